package io.flowpulse.bench;

import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.netflow.DatagramRecording;
import io.flowpulse.sources.netflow.NetFlowDecodeException;
import io.flowpulse.sources.netflow.NetFlowDecoder;
import io.flowpulse.testing.RecordedExports;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ./flowpulse bench --scenario collector}, first half: how fast the collector decodes real
 * exports. softflowd's recorded NetFlow v5/v9/IPFIX datagrams (testkit's test data, 15 exports of three
 * captures) are decoded over and over on one thread, a fresh {@link NetFlowDecoder} per pass (so
 * templates are learnt again each pass, as after every refresh), and the flow records per CPU-second
 * of that thread are reported: decode only, and decode + Avro single-object encoding (what
 * {@code ./flowpulse collect} does per record before the Kafka producer). The second half is the
 * topology benchmark on the same decoded records ({@link BenchInput#collector}).
 */
public final class CollectorBenchmark {
    private CollectorBenchmark() {}

    /** The recorded exports: the {@code .datagrams} files of {@code dir}, or (null) the testkit's softflowd recordings. */
    public static List<List<byte[]>> exports(Path dir) throws IOException {
        List<List<byte[]>> out = new ArrayList<>();
        if (dir == null) {
            for (RecordedExports r : RecordedExports.all()) {
                out.add(r.datagrams());
            }
            return out;
        }
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir + " (recorded exports; --exports DIR)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".datagrams")).sorted().toList()) {
                out.add(DatagramRecording.read(f));
            }
        }
        return out;
    }

    /** The records of one pass over every recording (each with a fresh decoder). */
    public static List<FlowRecord> decodeOnce(List<List<byte[]>> exports) throws NetFlowDecodeException {
        List<FlowRecord> out = new ArrayList<>();
        InetAddress exporter = InetAddress.getLoopbackAddress();
        for (List<byte[]> rec : exports) {
            NetFlowDecoder d = new NetFlowDecoder();
            for (byte[] g : rec) {
                out.addAll(d.decode(exporter, g, 0, g.length, 0));
            }
        }
        return out;
    }

    /**
     * As {@link #decodeOnce}, with each recording's times moved to start at {@code startMicros} (the
     * captures are years apart; repeated as they are, later copies would lie years ahead of the clock).
     */
    public static List<FlowRecord> decodeRebased(List<List<byte[]>> exports, long startMicros) throws NetFlowDecodeException {
        List<FlowRecord> out = new ArrayList<>();
        for (List<byte[]> rec : exports) {
            List<FlowRecord> rs = decodeOnce(List.of(rec));
            long min = rs.stream().mapToLong(FlowRecord::getStartMicros).min().orElse(startMicros);
            for (FlowRecord r : rs) {
                r.setStartMicros(r.getStartMicros() - min + startMicros);
                r.setEndMicros(r.getEndMicros() - min + startMicros);
                out.add(r);
            }
        }
        return out;
    }

    public static void run(List<List<byte[]>> exports, double seconds, PrintStream out) throws Exception {
        long datagrams = exports.stream().mapToLong(List::size).sum();
        long bytes = exports.stream().flatMap(List::stream).mapToLong(g -> g.length).sum();
        int perPass = decodeOnce(exports).size();
        out.printf("%n== collector: %d recorded softflowd exports (v5, v9, IPFIX, IPFIX biflow), %,d datagrams, %,d bytes,"
                + " %,d flow records per pass; one thread%n", exports.size(), datagrams, bytes, perPass);
        for (boolean encode : new boolean[] {false, true}) {
            measure(exports, Math.min(2, seconds / 3), encode); // warm-up
            double[] r = measure(exports, seconds, encode);
            out.printf("  %-34s %,12.0f flow records/CPU-s  (%,.0f records in %.2f CPU-s, %.2f wall s; %,.0f datagrams/CPU-s)%n",
                    encode ? "decode + Avro encode (collect)" : "decode only", r[0] / r[1], r[0], r[1], r[2], r[3] / r[1]);
        }
        out.println("  target: >= 500,000 flow records/s per core (issue 13)");
    }

    /** {records, thread CPU s, wall s, datagrams}. */
    private static double[] measure(List<List<byte[]>> exports, double seconds, boolean encode) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        InetAddress exporter = InetAddress.getLoopbackAddress();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        long records = 0;
        long datagrams = 0;
        long sink = 0;
        while (System.nanoTime() - wall0 < seconds * 1e9) {
            for (List<byte[]> rec : exports) {
                NetFlowDecoder d = new NetFlowDecoder();
                for (byte[] g : rec) {
                    List<FlowRecord> rs = d.decode(exporter, g, 0, g.length, 0);
                    records += rs.size();
                    datagrams++;
                    if (encode) {
                        for (FlowRecord r : rs) {
                            sink += Codecs.FLOW_RECORD.encode(r).length;
                        }
                    }
                }
            }
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        if (sink < 0) {
            throw new IllegalStateException();
        }
        return new double[] {records, cpu, wall, datagrams};
    }
}
