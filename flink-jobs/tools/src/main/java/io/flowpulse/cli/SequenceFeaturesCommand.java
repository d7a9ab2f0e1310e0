package io.flowpulse.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse sequence-features --input FILE.csv.gz --packets N --output table.csv}: turns a
 * per-packet table ({@code split,class,flow_file,pkt_idx,iat_s,signed_size}, one row per packet,
 * a flow's rows together, as in the UCDavis QUIC set) into one row per flow with the first N
 * packets' signed sizes (+ client to server, - back) and inter-arrival times in ms, plus counts and
 * byte sums per direction over those N packets, ready for {@code ./flowpulse train}.
 */
@Command(name = "sequence-features", description = "per-packet sequences (first N packets) to one feature row per flow, for train")
public final class SequenceFeaturesCommand implements Callable<Integer> {
    static final List<String> INPUT_COLUMNS = List.of("split", "class", "flow_file", "pkt_idx", "iat_s", "signed_size");

    @Option(names = "--input", required = true, paramLabel = "FILE.csv[.gz]", description = "per-packet table with columns " 
            + "split,class,flow_file,pkt_idx,iat_s,signed_size")
    Path in;

    @Option(names = "--output", required = true, paramLabel = "FILE.csv", description = "one row per flow")
    Path out;

    @Option(names = "--packets", paramLabel = "N", defaultValue = "30", description = "first N packets of each flow (default ${DEFAULT-VALUE})")
    int n;

    @Override
    public Integer call() throws Exception {
        if (n < 1) {
            throw UserError.usage("--packets must be at least 1");
        }
        InputFiles.existingFile(in, "--input");
        long flows = 0;
        CSVFormat inFormat = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setTrim(true).get();
        List<String> header = new ArrayList<>(List.of("split", "class", "flow_file"));
        for (int i = 0; i < n; i++) {
            header.add("size_" + i);
        }
        for (int i = 0; i < n; i++) {
            header.add("iat_ms_" + i);
        }
        header.addAll(List.of("up_packets", "down_packets", "up_bytes", "down_bytes"));
        try (InputStream raw = Files.newInputStream(in);
                InputStream is = in.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(is, StandardCharsets.UTF_8), 1 << 16);
                CSVParser p = CSVParser.parse(r, inFormat);
                Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                        .setRecordSeparator('\n').get())) {
            Map<String, Integer> col = p.getHeaderMap();
            for (String c : INPUT_COLUMNS) {
                if (col == null || !col.containsKey(c)) {
                    throw UserError.input(in + " has no column '" + c + "' (needs " + String.join(",", INPUT_COLUMNS) + ")");
                }
            }
            String current = null;
            String split = null;
            String cls = null;
            double[] size = new double[n];
            double[] iat = new double[n];
            for (CSVRecord v : p) {
                if (!v.get("flow_file").equals(current)) {
                    if (current != null) {
                        write(csv, split, cls, current, size, iat);
                        flows++;
                    }
                    current = v.get("flow_file");
                    split = v.get("split");
                    cls = v.get("class");
                    Arrays.fill(size, 0);
                    Arrays.fill(iat, 0);
                }
                try {
                    int idx = Integer.parseInt(v.get("pkt_idx"));
                    if (idx >= 0 && idx < n) {
                        size[idx] = Double.parseDouble(v.get("signed_size"));
                        iat[idx] = Double.parseDouble(v.get("iat_s")) * 1000.0;
                    }
                } catch (NumberFormatException e) {
                    throw UserError.input(in + " line " + p.getCurrentLineNumber() + ": not a number (" + e.getMessage() + ")");
                }
            }
            if (current != null) {
                write(csv, split, cls, current, size, iat);
                flows++;
            }
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw UserError.input(in + " is not a readable CSV: " + e.getMessage(), e);
        }
        if (flows == 0) {
            throw UserError.input(in + " has no data rows (only a header)");
        }
        System.out.printf("wrote %,d flows x %d packets to %s%n", flows, n, out);
        return 0;
    }

    private static void write(CSVPrinter csv, String split, String cls, String flow, double[] size, double[] iat)
            throws java.io.IOException {
        List<Object> row = new ArrayList<>(size.length * 2 + 7);
        row.add(split);
        row.add(cls);
        row.add(flow);
        double upP = 0;
        double downP = 0;
        double upB = 0;
        double downB = 0;
        for (double s : size) {
            row.add(s);
            if (s > 0) {
                upP++;
                upB += s;
            } else if (s < 0) {
                downP++;
                downB -= s;
            }
        }
        for (double t : iat) {
            row.add(t);
        }
        row.add(upP);
        row.add(downP);
        row.add(upB);
        row.add(downB);
        csv.printRecord(row);
    }
}
