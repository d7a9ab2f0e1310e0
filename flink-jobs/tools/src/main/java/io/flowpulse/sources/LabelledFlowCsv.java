package io.flowpulse.sources;

import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import java.io.BufferedReader;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Reads exporter flows with per-packet arrays from CSV (ipfixprobe/CESNET column names:
 * SRC_IP, DST_IP, SRC_PORT, DST_PORT, PROTOCOL, TIME_FIRST, TIME_LAST, PACKETS, PACKETS_REV,
 * BYTES, BYTES_REV, TCP_FLAGS, PPI_PKT_LENGTHS, PPI_PKT_DIRECTIONS, PPI_PKT_TIMES; times in
 * seconds), e.g. ALF's {@code alf_trapcap_flows.csv.gz}, into {@link FlowRecord}s with the value of
 * a label column (the oracle for experiments). Plain or gzip.
 */
public final class LabelledFlowCsv {
    private LabelledFlowCsv() {}

    /**
     * Columns of a CICFlowMeter CSV that identify a flow rather than describe it: never features
     * ({@code Dst Port} and {@code Protocol} stay, as in the CIC-IDS2017 training figures).
     */
    public static final java.util.Set<String> CIC_IDENTIFIERS = java.util.Set.of("id", "Flow ID", "Src IP", "Dst IP",
            "Src Port", "Timestamp", "Label", "Attempted Category");

    private static final java.time.format.DateTimeFormatter CIC_TIME = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss").optionalStart()
            .appendFraction(java.time.temporal.ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd().toFormatter();

    /**
     * Calls {@code sink} with each flow and its label (null when the column is absent). A
     * directory is read file by file (its *.csv and *.csv.gz, sorted by name). Two layouts: the
     * ipfixprobe/CESNET columns above, or a CICFlowMeter CSV ({@code Src IP}, {@code Timestamp},
     * {@code Flow Duration} in µs, ...; e.g. CIC-IDS2017) whose descriptive columns travel in the
     * record's {@code features} map under their own names (the time is read as UTC).
     */
    public static long read(Path file, String labelColumn, BiConsumer<FlowRecord, String> sink) throws IOException {
        if (Files.isDirectory(file)) {
            long n = 0;
            try (java.util.stream.Stream<Path> files = Files.list(file)) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".csv") || p.toString().endsWith(".csv.gz"))
                        .sorted()::iterator) {
                    n += read(f, labelColumn, sink);
                }
            }
            return n;
        }
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                CSVParser csv = CSVParser.parse(reader, CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get())) {
            java.util.Iterator<CSVRecord> r = csv.iterator();
            if (!r.hasNext()) {
                throw new IOException(file + " is empty");
            }
            String[] header = r.next().values();
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                col.put(header[i].trim(), i);
            }
            if (col.containsKey("Src IP") && col.containsKey("Flow Duration")) {
                return readCic(r, header, col, labelColumn, sink);
            }
            long n = 0;
            while (r.hasNext()) {
                String[] v = r.next().values();
                FlowRecord rec = FlowRecord.newBuilder()
                        .setKey(FlowKey.newBuilder()
                                .setSrcIp(ip(v[col.get("SRC_IP")])).setDstIp(ip(v[col.get("DST_IP")]))
                                .setSrcPort(Integer.parseInt(v[col.get("SRC_PORT")]))
                                .setDstPort(Integer.parseInt(v[col.get("DST_PORT")]))
                                .setProtocol(Integer.parseInt(v[col.get("PROTOCOL")])).build())
                        .setStartMicros(micros(v[col.get("TIME_FIRST")]))
                        .setEndMicros(micros(v[col.get("TIME_LAST")]))
                        .setFwdPackets(Long.parseLong(v[col.get("PACKETS")]))
                        .setBwdPackets(Long.parseLong(v[col.get("PACKETS_REV")]))
                        .setFwdBytes(Long.parseLong(v[col.get("BYTES")]))
                        .setBwdBytes(Long.parseLong(v[col.get("BYTES_REV")]))
                        .setTcpFlags(col.containsKey("TCP_FLAGS") ? Integer.parseInt(v[col.get("TCP_FLAGS")]) : 0)
                        .setExporter(col.containsKey("source_file") ? v[col.get("source_file")] : null)
                        .setPacketLengths(ints(v, col.get("PPI_PKT_LENGTHS")))
                        .setPacketDirections(ints(v, col.get("PPI_PKT_DIRECTIONS")))
                        .setPacketTimesMicros(times(v, col.get("PPI_PKT_TIMES")))
                        .build();
                Integer lc = labelColumn == null ? null : col.get(labelColumn);
                sink.accept(rec, lc == null ? null : v[lc]);
                n++;
            }
            return n;
        }
    }

    private static long readCic(java.util.Iterator<CSVRecord> r, String[] header, Map<String, Integer> col, String labelColumn,
            BiConsumer<FlowRecord, String> sink) throws IOException {
        List<Integer> featureColumns = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            if (!CIC_IDENTIFIERS.contains(header[i].trim()) && !header[i].trim().equals(labelColumn)) {
                featureColumns.add(i);
            }
        }
        Integer lc = labelColumn == null ? null : col.get(labelColumn);
        long n = 0;
        while (r.hasNext()) {
            String[] v = r.next().values();
            Map<String, Double> features = new HashMap<>();
            for (int c : featureColumns) {
                features.put(header[c].trim(), number(v[c]));
            }
            java.time.LocalDateTime t = java.time.LocalDateTime.parse(v[col.get("Timestamp")].trim(), CIC_TIME);
            long start = t.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1000;
            long duration = Math.max(0, (long) number(v[col.get("Flow Duration")]));
            FlowRecord rec = FlowRecord.newBuilder()
                    .setKey(FlowKey.newBuilder()
                            .setSrcIp(ip(v[col.get("Src IP")])).setDstIp(ip(v[col.get("Dst IP")]))
                            .setSrcPort(Integer.parseInt(v[col.get("Src Port")].trim()))
                            .setDstPort(Integer.parseInt(v[col.get("Dst Port")].trim()))
                            .setProtocol(Integer.parseInt(v[col.get("Protocol")].trim())).build())
                    .setStartMicros(start)
                    .setEndMicros(start + duration)
                    .setFwdPackets((long) number(v[col.get("Total Fwd Packet")]))
                    .setBwdPackets((long) number(v[col.get("Total Bwd packets")]))
                    .setFwdBytes((long) number(v[col.get("Total Length of Fwd Packet")]))
                    .setBwdBytes((long) number(v[col.get("Total Length of Bwd Packet")]))
                    .setFeatures(features)
                    .build();
            sink.accept(rec, lc == null ? null : v[lc].trim());
            n++;
        }
        return n;
    }

    /** A CSV number; NaN for empty/NaN, +-Double.MAX_VALUE for infinities (as LabelledTable reads them). */
    private static double number(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
            return Double.MAX_VALUE;
        }
        if (t.equalsIgnoreCase("-inf") || t.equalsIgnoreCase("-infinity")) {
            return -Double.MAX_VALUE;
        }
        double d = Double.parseDouble(t);
        return Double.isInfinite(d) ? Math.copySign(Double.MAX_VALUE, d) : d;
    }

    private static ByteBuffer ip(String s) throws IOException {
        return ByteBuffer.wrap(InetAddress.getByName(s.trim()).getAddress());
    }

    private static long micros(String seconds) {
        return new java.math.BigDecimal(seconds.trim()).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    private static List<Integer> ints(String[] v, Integer c) {
        List<Integer> out = new ArrayList<>();
        if (c != null && !v[c].isBlank()) {
            for (String s : v[c].split(";")) {
                out.add(Integer.parseInt(s.trim()));
            }
        }
        return out;
    }

    private static List<Long> times(String[] v, Integer c) {
        List<Long> out = new ArrayList<>();
        if (c != null && !v[c].isBlank()) {
            for (String s : v[c].split(";")) {
                out.add(micros(s));
            }
        }
        return out;
    }
}
