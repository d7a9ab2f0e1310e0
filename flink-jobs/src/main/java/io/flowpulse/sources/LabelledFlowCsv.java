package io.flowpulse.sources;

import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import java.io.BufferedReader;
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

    /** Calls {@code sink} with each flow and its label (null when the column is absent). */
    public static long read(Path file, String labelColumn, BiConsumer<FlowRecord, String> sink) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String[] header = r.readLine().split(",", -1);
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                col.put(header[i].trim(), i);
            }
            long n = 0;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] v = line.split(",", -1);
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
