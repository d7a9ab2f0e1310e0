package io.flowpulse.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./flowpulse sequence-features --input FILE.csv.gz --packets N --output table.csv}: turns a
 * per-packet table ({@code split,class,flow_file,pkt_idx,iat_s,signed_size}, one row per packet,
 * a flow's rows together, as in the UCDavis QUIC set) into one row per flow with the first N
 * packets' signed sizes (+ client to server, - back) and inter-arrival times in ms, plus counts and
 * byte sums per direction over those N packets, ready for {@code ./flowpulse train}.
 */
public final class SequenceFeaturesCommand implements Command {
    @Override
    public String name() {
        return "sequence-features";
    }

    @Override
    public String summary() {
        return "per-packet sequences (first N packets) to one feature row per flow, for train";
    }

    @Override
    public int run(String[] args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("input", "output", "packets"), Set.of());
        int n = a.getInt("packets", 30);
        Path in = Path.of(a.require("input"));
        Path out = Path.of(a.require("output"));
        long flows = 0;
        try (InputStream raw = Files.newInputStream(in);
                InputStream is = in.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
                BufferedReader r = new BufferedReader(new InputStreamReader(is, StandardCharsets.UTF_8), 1 << 16);
                Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            String[] header = r.readLine().split(",");
            int cSplit = index(header, "split");
            int cClass = index(header, "class");
            int cFlow = index(header, "flow_file");
            int cIdx = index(header, "pkt_idx");
            int cIat = index(header, "iat_s");
            int cSize = index(header, "signed_size");
            StringBuilder h = new StringBuilder("split,class,flow_file");
            for (int i = 0; i < n; i++) {
                h.append(",size_").append(i);
            }
            for (int i = 0; i < n; i++) {
                h.append(",iat_ms_").append(i);
            }
            h.append(",up_packets,down_packets,up_bytes,down_bytes\n");
            w.write(h.toString());
            String current = null;
            String split = null;
            String cls = null;
            double[] size = new double[n];
            double[] iat = new double[n];
            String line;
            while ((line = r.readLine()) != null) {
                String[] v = line.split(",", -1);
                if (!v[cFlow].equals(current)) {
                    if (current != null) {
                        write(w, split, cls, current, size, iat);
                        flows++;
                    }
                    current = v[cFlow];
                    split = v[cSplit];
                    cls = v[cClass];
                    java.util.Arrays.fill(size, 0);
                    java.util.Arrays.fill(iat, 0);
                }
                int idx = Integer.parseInt(v[cIdx]);
                if (idx < n) {
                    size[idx] = Double.parseDouble(v[cSize]);
                    iat[idx] = Double.parseDouble(v[cIat]) * 1000.0;
                }
            }
            if (current != null) {
                write(w, split, cls, current, size, iat);
                flows++;
            }
        }
        System.out.printf("wrote %,d flows x %d packets to %s%n", flows, n, out);
        return 0;
    }

    private static void write(Writer w, String split, String cls, String flow, double[] size, double[] iat) throws java.io.IOException {
        StringBuilder sb = new StringBuilder(split).append(',').append(cls).append(',').append(flow);
        double upP = 0;
        double downP = 0;
        double upB = 0;
        double downB = 0;
        for (double s : size) {
            sb.append(',').append(s);
            if (s > 0) {
                upP++;
                upB += s;
            } else if (s < 0) {
                downP++;
                downB -= s;
            }
        }
        for (double t : iat) {
            sb.append(',').append(t);
        }
        sb.append(',').append(upP).append(',').append(downP).append(',').append(upB).append(',').append(downB).append('\n');
        w.write(sb.toString());
    }

    private static int index(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(name)) {
                return i;
            }
        }
        throw new CliArgs.UsageException("no column " + name);
    }
}
