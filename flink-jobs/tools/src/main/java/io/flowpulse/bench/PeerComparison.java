package io.flowpulse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowpulse.ml.detectors.RandomCutForestDetector;
import io.flowpulse.ml.detectors.StlResidualDetector;
import io.flowpulse.ml.eval.LabeledSeries;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.sources.netflow.NetFlowDecodeException;
import io.flowpulse.sources.netflow.NetFlowDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./flowpulse bench --compare}: flowpulse side by side with what users would run instead, in
 * one run, where the peer is installed from Debian's packages (a missing peer is skipped with a
 * message; nothing in {@code verify} needs them):
 *
 * <ul>
 *   <li>flow extraction on {@code throughput-merged.pcap.gz}: {@code ./flowpulse flows} vs
 *       {@code tshark -z conv,tcp -z conv,udp} and {@code softflowd -r} (NetFlow v9 received here),
 *       each as a whole command (start-up included) on the decompressed capture: wall and CPU
 *       seconds, packets/s, and per-conversation agreement of packet and byte counts (our flows
 *       summed per bidirectional 5-tuple: tshark and softflowd, reading a file, keep one record per
 *       5-tuple);
 *   <li>detectors on the labelled series of {@code ../shared/data/timeseries}: STL fit per series
 *       ({@link StlResidualDetector#fit}, stl-decomp-4j) vs python3-statsmodels' STL with the same
 *       settings, and Random Cut Forest learning and scoring a whole series vs python3-sklearn's
 *       IsolationForest fit + score on the same shingles.
 * </ul>
 *
 * Ratios are ours / theirs (time: below 1 means flowpulse is faster).
 */
public final class PeerComparison {
    /** The labelled series of the detector evaluation in BENCHMARKS.md. */
    static final List<String> SERIES = List.of("ms-cloud-monitoring/data/data-ingress-rate/ingress-01.csv",
            "ms-cloud-monitoring/data/data-ingress-rate/ingress-02.csv", "ms-cloud-monitoring/data/data-ingress-rate/ingress-03.csv",
            "ms-cloud-monitoring/data/data-ingress-rate/ingress-04.csv", "ms-cloud-monitoring/data/data-ingress-rate/ingress-05.csv",
            "bagel-kpi/sample_data.csv");

    private PeerComparison() {}

    public static void run(Path shared, PrintStream out) throws Exception {
        Path sharedData = shared.toAbsolutePath(); // the peers run in a temporary directory
        Path work = Files.createTempDirectory("flowpulse-compare-");
        try {
            out.printf("%n== comparisons (load %.2f; times are whole commands; ratio = ours / theirs)%n", ProcessMemory.loadAverage());
            flowExtraction(sharedData.resolve("pcap/throughput-merged.pcap.gz"), work, out);
            detectors(sharedData.resolve("timeseries"), work, out);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ------------------------------------------------------------------ flow extraction

    /** Packets and bytes of one bidirectional 5-tuple. */
    static final class Counts {
        long packets;
        long bytes;
        /** tshark prints bytes rounded to its unit (e.g. "497 kB"): the unit, 1 when exact. */
        long byteUnit = 1;
    }

    static void flowExtraction(Path pcapGz, Path work, PrintStream out) throws Exception {
        Path pcap = work.resolve("capture.pcap");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(pcapGz))) {
            Files.copy(in, pcap);
        }
        Path tiny = work.resolve("first-packets.pcap");
        writeFirstPackets(pcap, tiny, 20);
        Path csv = work.resolve("ours.csv");
        Timed us = ours(pcap, csv, work);
        if (us.exit != 0) {
            out.println("flows: ./flowpulse flows failed: " + us.stderrTail());
            return;
        }
        Timed usStartup = ours(tiny, work.resolve("tiny.csv"), work);
        Map<String, Counts> oursLink = new HashMap<>();
        Map<String, Counts> oursIp = new HashMap<>();
        long packets = readOurFlows(csv, oursLink, oursIp);
        out.printf("%nflow extraction, %s (%,d packets in our flows; decompressed capture; whole commands, and net of"
                + " start-up = minus the CPU time of the same command on the capture's first 20 packets):%n",
                pcapGz.getFileName(), packets);
        out.printf("  %-28s %7s %7s %9s %11s %13s %9s %9s %7s %7s%n", "tool", "wall s", "CPU s", "start-up", "net pkt/CPU-s",
                "conversations", "pkts agree", "bytes agr", "CPU rat", "net rat");
        Row ourRow = new Row(us, usStartup, packets);
        row(out, "flowpulse flows (JVM+Flink)", ourRow, oursLink.size(), Double.NaN, Double.NaN, null);

        if (!installed("tshark")) {
            out.println("  tshark: not installed, skipped (apt-get install tshark)");
        } else {
            List<String> tshark = List.of("tshark", "-r", pcap.toString(), "-n", "-q", "-z", "conv,tcp", "-z", "conv,udp");
            Timed t = Timed.run(tshark, work);
            Timed tStartup = Timed.run(List.of("tshark", "-r", tiny.toString(), "-n", "-q", "-z", "conv,tcp", "-z", "conv,udp"), work);
            Map<String, Counts> theirs = parseTsharkConv(t.stdout);
            double[] agree = agreement(oursLink, theirs);
            row(out, "tshark -z conv,tcp/udp", new Row(t, tStartup, packets), theirs.size(), agree[0], agree[1], ourRow);
            out.printf("    vs tshark: %,d of its TCP/UDP conversations found in ours; frame bytes compared within tshark's"
                    + " display rounding (e.g. \"497 kB\")%n", (long) agree[2]);
        }
        if (!installed("softflowd")) {
            out.println("  softflowd: not installed, skipped (apt-get install softflowd)");
        } else {
            Timed tStartup = softflowd(tiny, work).timed;
            Softflowd sf = softflowd(pcap, work);
            double[] agree = agreement(oursIp, sf.flows);
            row(out, "softflowd -r (NetFlow v9)", new Row(sf.timed, tStartup, packets), sf.flows.size(), agree[0], agree[1], ourRow);
            out.printf("    vs softflowd: %,d NetFlow records received (one per direction); %,d of its TCP/UDP 5-tuples found"
                    + " in ours; IP bytes compared exactly%n", sf.records, (long) agree[2]);
        }
    }

    /**
     * softflowd's rate for the packets scenario's ratio, on the packets the bench's input holds: the
     * capture's frames that our decoder turns into packets, repetition {@code r} shifted by {@code r}
     * times (capture span + {@code gapMicros}) up to {@code packets} frames, as
     * {@link io.flowpulse.sources.pcap.RepeatedCaptureGenerator} builds the input; written to a
     * temporary pcap (whole frames, as captured) and read by {@code softflowd -r} with the job's
     * timeouts (idle for tcp/udp/icmp/general, active as maxlife, closing after FIN/RST), so both
     * end the same flows. Packets per CPU-second of the whole command, net of its start-up (the
     * same command on the first 20 packets); the median of three runs. NaN when softflowd is not
     * installed.
     */
    public static SoftflowdRate softflowdPacketsPerCpuSecond(Path pcapGz, int packets, long gapMicros,
            io.flowpulse.ml.features.FlowAggregatorParams timeouts) throws Exception {
        if (!installed("softflowd")) {
            return new SoftflowdRate(Double.NaN, 0, 0);
        }
        Path work = Files.createTempDirectory("flowpulse-softflowd-");
        try {
            Path pcap = work.resolve("input.pcap");
            writeRepeated(pcapGz, pcap, packets, gapMicros);
            Path tiny = work.resolve("first-packets.pcap");
            writeFirstPackets(pcap, tiny, 20);
            List<String> options = softflowdTimeouts(timeouts);
            double[] net = new double[3];
            long records = 0;
            for (int i = 0; i < net.length; i++) {
                Softflowd whole = softflowd(pcap, work, options);
                Timed startup = softflowd(tiny, work, options).timed;
                net[i] = Math.max(1e-3, whole.timed.cpuSeconds() - startup.cpuSeconds());
                records = whole.records;
            }
            java.util.Arrays.sort(net);
            return new SoftflowdRate(packets / net[1], net[1], records);
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** softflowd's packets per CPU-second (NaN: not installed), its median net CPU seconds and the NetFlow records it exported. */
    public record SoftflowdRate(double packetsPerCpuSecond, double netCpuSeconds, long records) {}

    /** {@code -t} options giving softflowd the flow operator's timeouts (whole seconds, at least 1). */
    static List<String> softflowdTimeouts(io.flowpulse.ml.features.FlowAggregatorParams p) {
        long idle = Math.max(1, p.idleTimeoutMicros / 1_000_000L);
        long active = Math.max(1, p.activeTimeoutMicros / 1_000_000L);
        long closing = Math.max(1, p.closingTimeoutMicros / 1_000_000L);
        List<String> o = new ArrayList<>();
        for (String t : List.of("tcp=" + idle, "udp=" + idle, "icmp=" + idle, "general=" + idle, "maxlife=" + active,
                "tcp.rst=" + closing, "tcp.fin=" + closing)) {
            o.add("-t");
            o.add(t);
        }
        return o;
    }

    /** The bench input's packets as a classic pcap: decodable frames of the capture, repeated with time offsets. */
    static void writeRepeated(Path pcapGz, Path out, int packets, long gapMicros) throws IOException {
        List<io.flowpulse.sources.pcap.PcapFrame> frames = io.flowpulse.sources.pcap.RepeatedCaptureGenerator.decodableFrames(
                pcapGz, new io.flowpulse.sources.pcap.DecodeStats());
        long period = io.flowpulse.sources.pcap.RepeatedCaptureGenerator.periodMicros(frames, gapMicros);
        int linkType = frames.get(0).linkType;
        try (java.io.DataOutputStream o = new java.io.DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 20))) {
            ByteBuffer h = ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262_144).putInt(linkType);
            o.write(h.array());
            ByteBuffer r = ByteBuffer.allocate(16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < packets; i++) {
                var f = frames.get(i % frames.size());
                if (f.linkType != linkType) {
                    throw new IOException("capture mixes link types " + linkType + " and " + f.linkType + ": one pcap cannot hold it");
                }
                long t = f.timestampMicros + (long) (i / frames.size()) * period;
                r.clear();
                r.putInt((int) Math.floorDiv(t, 1_000_000L)).putInt((int) Math.floorMod(t, 1_000_000L))
                        .putInt(f.data.length).putInt(f.originalLength);
                o.write(r.array());
                o.write(f.data);
            }
        }
    }

    private static Timed ours(Path pcap, Path csv, Path work) throws Exception {
        List<String> cmd = new ArrayList<>(javaCommand());
        cmd.addAll(List.of("io.flowpulse.cli.FlowpulseCli", "flows", "--pcap", pcap.toString(), "--output", csv.toString()));
        return Timed.run(cmd, work);
    }

    record Softflowd(Timed timed, Map<String, Counts> flows, long records) {}

    /** softflowd reading a file, exporting NetFlow v9 (IPv6 too) to a collector on a loopback port of this JVM. */
    private static Softflowd softflowd(Path pcap, Path work) throws Exception {
        return softflowd(pcap, work, List.of());
    }

    private static Softflowd softflowd(Path pcap, Path work, List<String> options) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setReceiveBufferSize(16 << 20);
            NetFlowV9Collector collector = new NetFlowV9Collector(socket);
            Thread receiver = new Thread(collector, "netflow-collector");
            receiver.start();
            // -c none: without it, softflowd 1.1.0 reading a file blocks on its control socket
            List<String> command = new ArrayList<>(List.of("softflowd", "-d", "-r", pcap.toString(), "-n",
                    "127.0.0.1:" + socket.getLocalPort(), "-v", "9", "-6", "-c", "none", "-p", work.resolve("softflowd.pid").toString()));
            command.addAll(options);
            Timed t = Timed.run(command, work);
            collector.stopAfterQuiet();
            receiver.join(TimeUnit.SECONDS.toMillis(30));
            return new Softflowd(t, collector.flows, collector.records);
        }
    }

    /** A classic pcap with the first {@code n} records of {@code pcap} (for the start-up baseline). */
    static void writeFirstPackets(Path pcap, Path out, int n) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(pcap));
                java.io.OutputStream o = Files.newOutputStream(out)) {
            byte[] header = in.readNBytes(24);
            o.write(header);
            if (header.length < 24) {
                return;
            }
            java.nio.ByteOrder order = ByteBuffer.wrap(header).getInt(0) == 0xd4c3b2a1
                    ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN;
            for (int i = 0; i < n; i++) {
                byte[] record = in.readNBytes(16);
                if (record.length < 16) {
                    break;
                }
                int captured = ByteBuffer.wrap(record).order(order).getInt(8);
                o.write(record);
                o.write(in.readNBytes(captured));
            }
        }
    }

    /** One tool's timing: the whole command and its start-up baseline. */
    record Row(Timed whole, Timed startup, long packets) {
        double netCpu() {
            return Math.max(1e-3, whole.cpuSeconds() - startup.cpuSeconds());
        }
    }

    private static void row(PrintStream out, String tool, Row r, long conversations, double pktAgree, double byteAgree, Row ours) {
        out.printf("  %-28s %7.2f %7.2f %9.2f %,13.0f %,13d %9s %9s %7s %7s%n", tool, r.whole().wallSeconds, r.whole().cpuSeconds(),
                r.startup().cpuSeconds(), r.packets() / r.netCpu(), conversations, pct(pktAgree), pct(byteAgree),
                ours == null ? "-" : String.format("%.2f", ours.whole().cpuSeconds() / r.whole().cpuSeconds()),
                ours == null ? "-" : String.format("%.2f", ours.netCpu() / r.netCpu()));
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f %%", 100 * v);
    }

    /** Our flows summed per conversation: link bytes (as tshark) and IP bytes (as NetFlow). Returns the packets. */
    static long readOurFlows(Path csv, Map<String, Counts> link, Map<String, Counts> ip) throws IOException {
        long packets = 0;
        try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVParser.parse(csv, StandardCharsets.UTF_8,
                org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<String> header = parser.getHeaderNames();
            int pk = header.indexOf("bidirectional_packets");
            int lb = header.indexOf("bidirectional_bytes");
            int fip = header.indexOf("fwd_ip_bytes");
            int bip = header.indexOf("bwd_ip_bytes");
            for (org.apache.commons.csv.CSVRecord rec : parser) {
            String[] f = rec.values();
            String key = conversation(f[0], Integer.parseInt(f[2]), f[1], Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            long p = (long) Double.parseDouble(f[pk]);
            packets += p;
            Counts c = link.computeIfAbsent(key, k -> new Counts());
            c.packets += p;
            c.bytes += (long) Double.parseDouble(f[lb]);
            Counts d = ip.computeIfAbsent(key, k -> new Counts());
            d.packets += p;
            d.bytes += (long) (Double.parseDouble(f[fip]) + Double.parseDouble(f[bip]));
        }
        }
        return packets;
    }

    /** IPv6 literals in one spelling (tshark prints ::1, Java 0:0:0:0:0:0:0:1); no name lookup. */
    static String canonicalIp(String ip) {
        if (ip.indexOf(':') < 0) {
            return ip;
        }
        try {
            return InetAddress.getByName(ip).getHostAddress();
        } catch (IOException e) {
            return ip;
        }
    }

    /** Order-independent key of a bidirectional 5-tuple. */
    static String conversation(String ipA, int portA, String ipB, int portB, int protocol) {
        String a = canonicalIp(ipA) + "|" + portA;
        String b = canonicalIp(ipB) + "|" + portB;
        return (a.compareTo(b) <= 0 ? a + "-" + b : b + "-" + a) + "/" + protocol;
    }

    /**
     * Fractions of the peer's conversations (TCP and UDP) that ours has with the same packet count
     * and with the same byte count (within the peer's rounding), and how many ours has at all.
     */
    static double[] agreement(Map<String, Counts> ours, Map<String, Counts> theirs) {
        long found = 0;
        long packets = 0;
        long bytes = 0;
        long total = 0;
        for (var e : theirs.entrySet()) {
            if (!e.getKey().endsWith("/6") && !e.getKey().endsWith("/17")) {
                continue;
            }
            total++;
            Counts o = ours.get(e.getKey());
            if (o == null) {
                continue;
            }
            found++;
            Counts t = e.getValue();
            if (o.packets == t.packets) {
                packets++;
            }
            if (Math.abs(o.bytes - t.bytes) <= t.byteUnit / 2 + (t.byteUnit > 1 ? t.byteUnit / 100 : 0)) {
                bytes++;
            }
        }
        return new double[] {total == 0 ? Double.NaN : packets / (double) total, total == 0 ? Double.NaN : bytes / (double) total, found};
    }

    /**
     * tshark's conversation tables: {@code A:port <-> B:port  frames bytes | frames bytes | frames
     * bytes | start | duration}, bytes with a unit ({@code bytes}, {@code kB}, {@code MB}, ...).
     */
    static Map<String, Counts> parseTsharkConv(String text) {
        Map<String, Counts> out = new HashMap<>();
        int protocol = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("TCP Conversations")) {
                protocol = 6;
            } else if (line.startsWith("UDP Conversations")) {
                protocol = 17;
            }
            String[] t = line.trim().split("\\s+");
            if (protocol == 0 || t.length < 12 || !t[1].equals("<->")) {
                continue;
            }
            int ca = t[0].lastIndexOf(':');
            int cb = t[2].lastIndexOf(':');
            String key = conversation(t[0].substring(0, ca), Integer.parseInt(t[0].substring(ca + 1)), t[2].substring(0, cb),
                    Integer.parseInt(t[2].substring(cb + 1)), protocol);
            // t[3..5] frames bytes unit (<-), t[6..8] (->), t[9..11] total
            Counts c = out.computeIfAbsent(key, k -> new Counts());
            long unit = switch (t[11]) {
                case "kB" -> 1_000L;
                case "MB" -> 1_000_000L;
                case "GB" -> 1_000_000_000L;
                default -> 1L;
            };
            c.packets += Long.parseLong(t[9]);
            c.bytes += Long.parseLong(t[10]) * unit;
            c.byteUnit = Math.max(c.byteUnit, unit);
        }
        return out;
    }

    /** Receives NetFlow v9 export datagrams and sums packets/bytes per conversation ({@link NetFlowDecoder}). */
    static final class NetFlowV9Collector implements Runnable {
        final DatagramSocket socket;
        final Map<String, Counts> flows = new HashMap<>();
        final NetFlowDecoder decoder = new NetFlowDecoder();
        volatile boolean stopping;
        long records;

        NetFlowV9Collector(DatagramSocket socket) {
            this.socket = socket;
        }

        void stopAfterQuiet() {
            stopping = true;
        }

        @Override
        public void run() {
            byte[] buf = new byte[65535];
            try {
                socket.setSoTimeout(1000);
                while (true) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException quiet) {
                        if (stopping) {
                            return; // the exporter has exited and nothing came for a second
                        }
                        continue;
                    }
                    decode(p);
                }
            } catch (IOException e) {
                // socket closed
            }
        }

        synchronized void decode(DatagramPacket p) throws IOException {
            List<FlowRecord> decoded;
            try {
                decoded = decoder.decode(p.getAddress(), p.getData(), p.getOffset(), p.getLength(), System.currentTimeMillis());
            } catch (NetFlowDecodeException e) {
                return; // counted in decoder.stats()
            }
            for (FlowRecord r : decoded) {
                FlowKey k = r.getKey();
                String src = InetAddress.getByAddress(bytes(k.getSrcIp())).getHostAddress();
                String dst = InetAddress.getByAddress(bytes(k.getDstIp())).getHostAddress();
                records++;
                Counts c = flows.computeIfAbsent(conversation(src, k.getSrcPort(), dst, k.getDstPort(), k.getProtocol()), x -> new Counts());
                c.packets += r.getFwdPackets() + r.getBwdPackets();
                c.bytes += r.getFwdBytes() + r.getBwdBytes();
            }
        }

        private static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
    }

    // ------------------------------------------------------------------ detectors

    static void detectors(Path timeseries, Path work, PrintStream out) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Timed probe = Timed.run(List.of(python, "-c", "import statsmodels, sklearn, numpy"), work);
        boolean peers = probe.exit == 0;
        List<Path> files = new ArrayList<>();
        for (String s : SERIES) {
            if (Files.exists(timeseries.resolve(s))) {
                files.add(timeseries.resolve(s));
            }
        }
        Map<String, JsonNode> theirs = new HashMap<>();
        if (!peers) {
            out.println("\ndetectors: python3-statsmodels / python3-sklearn not installed, peers skipped"
                    + " (apt-get install python3-statsmodels python3-sklearn)");
        } else {
            Path script = work.resolve("peer_detectors.py");
            try (InputStream in = PeerComparison.class.getResourceAsStream("/bench/peer_detectors.py")) {
                Files.copy(in, script);
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            files.forEach(f -> cmd.add(f.toString()));
            Timed t = Timed.run(cmd, work);
            if (t.exit != 0) {
                out.println("\ndetectors: the statsmodels/scikit-learn script failed: " + t.stderrTail());
            }
            ObjectMapper json = new ObjectMapper();
            for (String line : t.stdout.split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode n = json.readTree(line);
                    theirs.put(Path.of(n.path("file").asText()).getFileName().toString(), n);
                }
            }
        }
        out.printf("%ndetectors, fit time per series (ms, best of 3 unless a run takes over 1 s; ratio = ours / theirs):%n");
        out.printf("  %-16s %7s %6s %12s %14s %9s %14s %18s %9s%n", "series", "points", "period", "STL ours", "statsmodels",
                "ratio", "RCF ours", "IsolationForest", "ratio");
        double stlSum = 0;
        double stlTheirs = 0;
        double rcfSum = 0;
        double ifSum = 0;
        for (Path f : files) {
            LabeledSeries s = LabeledSeries.read(f, null);
            int period = (int) (86_400_000L / s.medianStepMillis());
            double[] v = s.values();
            if (v.length < StlResidualDetector.MIN_CYCLES * period) {
                continue;
            }
            double stl = bestOfMillis(() -> StlResidualDetector.fit(v, v.length - 1, period));
            double rcf = bestOfMillis(() -> {
                RandomCutForestDetector d = RandomCutForestDetector.defaults();
                for (int i = 0; i < v.length; i++) {
                    d.update(s.times()[i], v[i]);
                }
            });
            JsonNode t = theirs.get(f.getFileName().toString());
            double tStl = t == null ? Double.NaN : t.path("stl_ms").asDouble(Double.NaN);
            double tIf = t == null ? Double.NaN : t.path("iforest_ms").asDouble(Double.NaN);
            out.printf("  %-16s %,7d %6d %12.1f %14.1f %9.2f %14.1f %18.1f %9.2f%n", f.getFileName(), v.length, period, stl, tStl,
                    stl / tStl, rcf, tIf, rcf / tIf);
            stlSum += stl;
            stlTheirs += tStl;
            rcfSum += rcf;
            ifSum += tIf;
        }
        out.printf("  %-16s %7s %6s %12.1f %14.1f %9.2f %14.1f %18.1f %9.2f%n", "total", "", "", stlSum, stlTheirs,
                stlSum / stlTheirs, rcfSum, ifSum, rcfSum / ifSum);
        out.println("  STL: stl-decomp-4j vs statsmodels, seasonal 7, 1 inner + 3 robustness iterations, LOESS jumps 10 % of the"
                + " widths (our refit also takes per-slot medians). RCF: 30 trees x 256 samples, shingle 8, online"
                + " (learn + forecast band per point) vs IsolationForest(30 trees, 256 samples) fit + score_samples on the shingles.");
    }

    private static double bestOfMillis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        double best = (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < (best < 1000 ? 2 : 0); i++) {
            t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    // ------------------------------------------------------------------ processes

    /** This JVM's java binary, options (--add-opens, -Xmx) and classpath, to start the CLI in a child JVM. */
    static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Xmx") || a.startsWith("-Dlog4j")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        return cmd;
    }

    static boolean installed(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A command run to completion under bash's {@code time}: wall, user and system seconds, output. */
    static final class Timed {
        int exit;
        double wallSeconds;
        double userSeconds;
        double systemSeconds;
        String stdout;
        String stderr;

        double cpuSeconds() {
            return userSeconds + systemSeconds;
        }

        String stderrTail() {
            return stderr.length() > 2000 ? stderr.substring(stderr.length() - 2000) : stderr;
        }

        static Timed run(List<String> command, Path dir) throws Exception {
            StringBuilder quoted = new StringBuilder();
            for (String c : command) {
                quoted.append('\'').append(c.replace("'", "'\\''")).append("' ");
            }
            Path outFile = Files.createTempFile(dir, "out", ".txt");
            Path errFile = Files.createTempFile(dir, "err", ".txt");
            Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='@@time %R %U %S'; time " + quoted)
                    .directory(dir.toFile()).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
            Timed t = new Timed();
            t.exit = p.waitFor();
            t.stdout = Files.readString(outFile);
            t.stderr = Files.readString(errFile);
            for (String line : t.stderr.split("\n")) {
                if (line.startsWith("@@time ")) {
                    String[] f = line.substring(7).trim().split("\\s+");
                    t.wallSeconds = Double.parseDouble(f[0].replace(',', '.'));
                    t.userSeconds = Double.parseDouble(f[1].replace(',', '.'));
                    t.systemSeconds = Double.parseDouble(f[2].replace(',', '.'));
                }
            }
            return t;
        }
    }
}
