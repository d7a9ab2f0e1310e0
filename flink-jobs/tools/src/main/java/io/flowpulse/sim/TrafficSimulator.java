package io.flowpulse.sim;

import io.flowpulse.records.Direction;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Seeded, realistic traffic for the demo and for tests: packets of several application
 * profiles ({@link AppProfile}) and 5-minute port counter samples with daily and weekly
 * seasonality, 32-bit counter wraps, counter resets and injected anomalies whose ground truth is
 * {@link #injectedAnomalies()}. The same parameters (seed included) give identical output, and
 * every generate call starts over, so calling it twice gives the same stream twice.
 *
 * <p>Packets carry {@code sourceId = "sim:<profile>"} (e.g. {@code sim:web}) as their label.
 */
public final class TrafficSimulator {
    /** Port counters are polled every 5 minutes. */
    public static final long POLL_INTERVAL_MILLIS = 300_000L;
    /** 32-bit counters wrap at 2^32: keep a 5-minute delta well below it so that one wrap explains a decrease. */
    static final double MAX_32BIT_BYTES_PER_SECOND = 0.8 * 4294967296.0 / 300;

    private static final AppProfile[] ARRIVAL_PROFILES = {
        AppProfile.WEB, AppProfile.DNS, AppProfile.SSH, AppProfile.VIDEO, AppProfile.BULK};
    private static final double[] ARRIVAL_WEIGHTS = {0.49, 0.48, 0.015, 0.001, 0.0015};
    private static final long MILLIS_PER_HOUR = 3_600_000L;

    private final SimulatorParams params;
    private final List<PortSeriesModel> series = new ArrayList<>();
    private final List<InjectedAnomaly> anomalies = new ArrayList<>();
    private final List<InjectedCounterReset> resets = new ArrayList<>();

    public TrafficSimulator(SimulatorParams params) {
        this.params = params;
        buildPortModels(new SplittableRandom(params.seed ^ 0x9E3779B97F4A7C15L));
    }

    public SimulatorParams params() {
        return params;
    }

    // ================================ packets ================================================

    /** Packets of several application profiles, in non-decreasing timestampMicros order, over params.packetDuration from params.start. */
    public void generatePackets(Consumer<PacketEvent> sink) {
        long startMicros = params.start.getEpochSecond() * 1_000_000L + params.start.getNano() / 1_000;
        long endMicros = startMicros + params.packetDuration.toNanos() / 1_000;
        SplittableRandom root = new SplittableRandom(params.seed);
        Hosts hosts = new Hosts();
        FlowScripts scripts = new FlowScripts(hosts, endMicros);
        PriorityQueue<Pending> queue = new PriorityQueue<>(
                Comparator.comparingLong((Pending p) -> p.time).thenComparingLong(p -> p.order));
        long[] order = {0};

        SplittableRandom arrivals = root.split();
        if (params.flowsPerSecond > 0) {
            queue.add(new Pending(startMicros + FlowScripts.exponentialMicros(arrivals, params.flowsPerSecond),
                    order[0]++, Pending.ARRIVAL, null));
        }
        SplittableRandom iot = root.split();
        int iotDevices = params.flowsPerSecond > 0 ? Math.max(1, (int) Math.round(params.flowsPerSecond / 4)) : 0;
        for (int i = 0; i < iotDevices; i++) {
            FlowScript f = scripts.iot(startMicros + iot.nextLong(30_000_000L), iot.split());
            if (f.hasNext()) {
                queue.add(new Pending(f.nextMicros(), order[0]++, Pending.FLOW, f));
            }
        }
        SplittableRandom scanRandom = root.split();
        Scan scan = null;
        long durationMicros = endMicros - startMicros;
        if (params.flowsPerSecond > 0 && durationMicros >= 10_000_000L) {
            scan = new Scan(hosts, scanRandom, durationMicros);
            queue.add(new Pending(startMicros + (long) (durationMicros * Draws.uniform(scanRandom, 0.2, 0.5)),
                    order[0]++, Pending.SCAN, null));
        }

        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            switch (p.kind) {
                case Pending.FLOW -> {
                    sink.accept(p.flow.next());
                    if (p.flow.hasNext()) {
                        p.time = p.flow.nextMicros();
                        queue.add(p);
                    }
                }
                case Pending.ARRIVAL -> {
                    if (p.time >= endMicros) {
                        continue;
                    }
                    AppProfile profile = pick(arrivals);
                    FlowScript f = scripts.create(profile, p.time, arrivals.split());
                    if (f.hasNext()) {
                        queue.add(new Pending(f.nextMicros(), order[0]++, Pending.FLOW, f));
                    }
                    p.time += FlowScripts.exponentialMicros(arrivals, params.flowsPerSecond);
                    queue.add(p);
                }
                case Pending.SCAN -> {
                    if (p.time >= endMicros || scan.nextPort >= scan.ports.size()) {
                        continue;
                    }
                    int port = scan.ports.get(scan.nextPort++);
                    FlowScript f = scripts.scanProbe(p.time, scan.scanner, scan.scannerPort, scan.target, port,
                            scan.open(port), scan.rttMicros, scanRandom);
                    if (f.hasNext()) {
                        queue.add(new Pending(f.nextMicros(), order[0]++, Pending.FLOW, f));
                    }
                    p.time += FlowScripts.exponentialMicros(scanRandom, scan.probesPerSecond);
                    queue.add(p);
                }
                default -> throw new IllegalStateException("unknown pending kind " + p.kind);
            }
        }
    }

    private static AppProfile pick(SplittableRandom r) {
        double total = 0;
        for (double w : ARRIVAL_WEIGHTS) {
            total += w;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < ARRIVAL_WEIGHTS.length; i++) {
            x -= ARRIVAL_WEIGHTS[i];
            if (x < 0) {
                return ARRIVAL_PROFILES[i];
            }
        }
        return ARRIVAL_PROFILES[0];
    }

    /** An entry of the replay queue: a flow's next packet, the next flow arrival or the next scan probe. */
    private static final class Pending {
        static final int FLOW = 0;
        static final int ARRIVAL = 1;
        static final int SCAN = 2;
        long time;
        final long order;
        final int kind;
        final FlowScript flow;

        Pending(long time, long order, int kind, FlowScript flow) {
            this.time = time;
            this.order = order;
            this.kind = kind;
            this.flow = flow;
        }
    }

    /** One SYN scan of the well-known ports of one internal host. */
    private static final class Scan {
        final byte[] scanner;
        final int scannerPort;
        final byte[] target;
        final List<Integer> ports = new ArrayList<>();
        final double probesPerSecond;
        final long rttMicros;
        int nextPort;

        Scan(Hosts hosts, SplittableRandom r, long durationMicros) {
            scanner = hosts.scanner();
            scannerPort = hosts.ephemeralPort(r);
            target = hosts.scanTarget(r);
            for (int p = 1; p <= 1024; p++) {
                ports.add(p);
            }
            for (int p : new int[] {1433, 1883, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9200}) {
                ports.add(p);
            }
            Collections.shuffle(ports, new java.util.Random(r.nextLong()));
            probesPerSecond = Draws.uniform(r, 150.0, 500.0);
            rttMicros = (long) Draws.logNormal(r, 30_000, 0.4, 5_000, 200_000);
        }

        boolean open(int port) {
            return port == 22 || port == 80 || port == 443;
        }
    }

    // ================================ port samples ===========================================

    /** Port counter samples every 5 min (COUNTER kind, some ports 32-bit with wraps, occasional counter resets), daily+weekly seasonality, injected anomalies; non-decreasing timestampMillis. */
    public void generatePortSamples(Consumer<PortSample> sink) {
        long start = params.start.toEpochMilli();
        long end = start + params.portDuration.toMillis();
        SplittableRandom r = new SplittableRandom(params.seed ^ 0x2545F4914F6CDD1DL);
        int n = series.size();
        long[] counters = new long[n];
        long[] packetCounters = new long[n];
        double[] noise = new double[n];
        long[] lastPoll = new long[n];
        for (int i = 0; i < n; i++) {
            PortSeriesModel m = series.get(i);
            counters[i] = m.counterBits == 32 ? r.nextLong(1L << 32) : r.nextLong(1L << 40);
            packetCounters[i] = m.counterBits == 32 ? r.nextLong(1L << 32) : r.nextLong(1L << 32);
            lastPoll[i] = Long.MIN_VALUE;
        }
        List<PortSample> poll = new ArrayList<>();
        for (long base = start; base < end; base += POLL_INTERVAL_MILLIS) {
            poll.clear();
            int first = 0;
            for (int d = 0; d < params.devices; d++) {
                int count = params.portsPerDevice * 2;
                long jitter = r.nextLong(3_000);
                boolean missed = r.nextDouble() < 0.002 && quietForMissedPoll(d, base);
                for (int i = first; i < first + count; i++) {
                    PortSeriesModel m = series.get(i);
                    noise[i] = m.nextNoise(noise[i], r);
                    if (missed) {
                        continue;
                    }
                    int within = i - first;
                    long t = Math.min(end - 1, base + jitter + (within / 2) * 5L + (within % 2) * 2L);
                    if (lastPoll[i] != Long.MIN_VALUE) {
                        double bytes = m.expectedBytes(lastPoll[i], t) * m.noiseMultiplier(noise[i]);
                        long resetAt = resetBetween(m.device, lastPoll[i], t);
                        if (resetAt != Long.MIN_VALUE) {
                            double fraction = (double) (t - resetAt) / (t - lastPoll[i]);
                            counters[i] = (long) (bytes * fraction);
                            packetCounters[i] = (long) (bytes * fraction / m.meanPacketBytes);
                        } else {
                            counters[i] += (long) bytes;
                            packetCounters[i] += (long) (bytes / m.meanPacketBytes);
                        }
                        if (m.counterBits == 32) {
                            counters[i] &= 0xFFFF_FFFFL;
                            packetCounters[i] &= 0xFFFF_FFFFL;
                        }
                    }
                    lastPoll[i] = t;
                    poll.add(PortSample.newBuilder()
                            .setDevice(m.device).setPort(m.port).setDirection(m.direction)
                            .setTimestampMillis(t).setKind(SampleKind.COUNTER)
                            .setBytes(counters[i]).setPackets(packetCounters[i]).setCounterBits(m.counterBits)
                            .build());
                }
                first += count;
            }
            poll.sort(Comparator.comparingLong(PortSample::getTimestampMillis));
            poll.forEach(sink);
        }
    }

    /** Ground truth: the injected port anomalies (device, port, direction, start/end millis, kind e.g. SPIKE/DROP/LEVEL_SHIFT). */
    public List<InjectedAnomaly> injectedAnomalies() {
        return Collections.unmodifiableList(anomalies);
    }

    /** Ground truth: the counter resets (every counter of the device restarts from 0). */
    public List<InjectedCounterReset> injectedCounterResets() {
        return Collections.unmodifiableList(resets);
    }

    /** Noise-free expected bytes of a series in (fromMillis, toMillis], anomalies included; for tests and evaluation. */
    public double expectedBytes(String device, String port, Direction direction, long fromMillis, long toMillis) {
        return model(device, port, direction).expectedBytes(fromMillis, toMillis);
    }

    /** Noise-free expected bytes without anomalies. */
    public double baselineBytes(String device, String port, Direction direction, long fromMillis, long toMillis) {
        PortSeriesModel m = model(device, port, direction);
        double total = 0;
        for (long t = fromMillis; t < toMillis; t += 60_000) {
            long stepEnd = Math.min(toMillis, t + 60_000);
            total += m.baselineBytesPerSecond((t + stepEnd) / 2) * (stepEnd - t) / 1000.0;
        }
        return total;
    }

    private PortSeriesModel model(String device, String port, Direction direction) {
        for (PortSeriesModel m : series) {
            if (m.device.equals(device) && m.port.equals(port) && m.direction == direction) {
                return m;
            }
        }
        throw new IllegalArgumentException("no series " + device + "|" + port + "|" + direction);
    }

    private long resetBetween(String device, long fromExclusive, long toInclusive) {
        for (InjectedCounterReset reset : resets) {
            if (reset.device().equals(device) && reset.atMillis() > fromExclusive && reset.atMillis() <= toInclusive) {
                return reset.atMillis();
            }
        }
        return Long.MIN_VALUE;
    }

    /** A device poll may time out, but not during an anomaly or next to a reset (keeps the ground truth clean). */
    private boolean quietForMissedPoll(int device, long base) {
        String name = deviceName(device);
        for (InjectedAnomaly a : anomalies) {
            if (a.device().equals(name) && base >= a.startMillis() - POLL_INTERVAL_MILLIS
                    && base <= a.endMillis() + POLL_INTERVAL_MILLIS) {
                return false;
            }
        }
        for (InjectedCounterReset reset : resets) {
            if (reset.device().equals(name) && Math.abs(reset.atMillis() - base) < 3 * POLL_INTERVAL_MILLIS) {
                return false;
            }
        }
        return true;
    }

    static String deviceName(int device) {
        return String.format("edge-router-%02d", device + 1);
    }

    /** Even port indexes are 10G ports with 64-bit counters; odd ones are 1G ports with legacy 32-bit counters. */
    static String portName(int port) {
        return port % 2 == 0 ? "xe-0/0/" + port : "ge-0/1/" + port;
    }

    private void buildPortModels(SplittableRandom r) {
        long start = params.start.toEpochMilli();
        long duration = params.portDuration.toMillis();
        long end = start + duration;
        for (int d = 0; d < params.devices; d++) {
            for (int p = 0; p < params.portsPerDevice; p++) {
                int bits = p % 2 == 0 ? 64 : 32;
                double peakIn = bits == 64 ? Draws.logNormal(r, 6e7, 0.8, 5e6, 1e9) : Draws.uniform(r, 3e5, 9e5);
                double peakOut = peakIn * Draws.uniform(r, 0.3, 0.9);
                series.add(new PortSeriesModel(deviceName(d), portName(p), Direction.IN, bits, peakIn, r.split()));
                series.add(new PortSeriesModel(deviceName(d), portName(p), Direction.OUT, bits, peakOut, r.split()));
            }
        }
        long warmUp = Math.min(3 * PortSeriesModel.DAY_MILLIS, (long) (duration * 0.3));
        long tail = Math.min(PortSeriesModel.DAY_MILLIS, (long) (duration * 0.1));
        long spacing = Math.min(12 * MILLIS_PER_HOUR, duration / 10);
        for (int i = 0; i < series.size(); i++) {
            PortSeriesModel m = series.get(i);
            int count = params.anomaliesPerPort == 0 ? 0 : r.nextInt(params.anomaliesPerPort + 1);
            if (i == 0 && params.anomaliesPerPort > 0) {
                count = Math.max(1, count);
            }
            for (int a = 0; a < count; a++) {
                InjectedAnomaly anomaly = drawAnomaly(m, r, start + warmUp, end - tail, spacing);
                if (anomaly != null) {
                    m.anomalies.add(anomaly);
                    anomalies.add(anomaly);
                }
            }
        }
        anomalies.sort(Comparator.comparingLong(InjectedAnomaly::startMillis));
        for (int d = 0; d < params.devices; d++) {
            String device = deviceName(d);
            for (int attempt = 0; attempt < 100 && duration >= 4 * POLL_INTERVAL_MILLIS; attempt++) {
                long at = start + (long) (duration * Draws.uniform(r, 0.1, 0.95));
                boolean clear = anomalies.stream().noneMatch(a -> a.device().equals(device)
                        && at > a.startMillis() - 2 * MILLIS_PER_HOUR && at < a.endMillis() + 2 * MILLIS_PER_HOUR);
                if (clear) {
                    resets.add(new InjectedCounterReset(device, at));
                    break;
                }
            }
        }
        resets.sort(Comparator.comparingLong(InjectedCounterReset::atMillis));
    }

    private static double maxBaseline(PortSeriesModel m, long from, long to) {
        double max = 0;
        for (long t = from; t < to; t += 15 * 60_000L) {
            max = Math.max(max, m.baselineBytesPerSecond(t));
        }
        return max;
    }

    private static InjectedAnomaly drawAnomaly(PortSeriesModel m, SplittableRandom r, long from, long to, long spacing) {
        for (int attempt = 0; attempt < 50; attempt++) {
            double k = r.nextDouble();
            InjectedAnomaly.Kind kind = k < 0.45 ? InjectedAnomaly.Kind.SPIKE
                    : k < 0.75 ? InjectedAnomaly.Kind.DROP : InjectedAnomaly.Kind.LEVEL_SHIFT;
            long length;
            double factor;
            switch (kind) {
                case SPIKE -> {
                    length = (long) Draws.uniform(r, 30.0, 121.0) * 60_000L;
                    factor = Draws.uniform(r, 3.0, 6.0);
                    if (m.counterBits == 32) {
                        // headroom for noise, so one 5-minute delta never wraps twice
                        factor = Math.min(factor, MAX_32BIT_BYTES_PER_SECOND / (m.peakBytesPerSecond * 1.5));
                    }
                }
                case DROP -> {
                    length = (long) Draws.uniform(r, 60.0, 361.0) * 60_000L;
                    factor = Draws.uniform(r, 0.02, 0.15);
                }
                default -> {
                    length = (long) (Draws.uniform(r, 12.0, 49.0) * MILLIS_PER_HOUR);
                    factor = r.nextDouble() < 0.7 ? Draws.uniform(r, 1.8, 2.5) : Draws.uniform(r, 0.35, 0.5);
                    if (m.counterBits == 32) {
                        factor = Math.min(factor, MAX_32BIT_BYTES_PER_SECOND / (m.peakBytesPerSecond * 1.5));
                    }
                }
            }
            length = Math.min(length, Math.max(POLL_INTERVAL_MILLIS * 2, (to - from) / 4));
            if (to - from <= length) {
                return null;
            }
            long startMillis = from + r.nextLong(to - from - length);
            startMillis -= Math.floorMod(startMillis, 60_000L); // whole minutes
            long endMillis = startMillis + length;
            if (m.counterBits == 32 && factor > 1) {
                // legacy 1G ports run far below their speed: a surge stays within ~3x the daily peak
                factor = Math.min(factor, Math.max(2.0, 3.0 / 1.3 * m.peakBytesPerSecond
                        / maxBaseline(m, startMillis, endMillis)));
            }
            boolean overlaps = false;
            for (InjectedAnomaly other : m.anomalies) {
                if (startMillis < other.endMillis() + spacing && endMillis + spacing > other.startMillis()) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) {
                return new InjectedAnomaly(m.device, m.port, m.direction, startMillis, endMillis, kind, factor);
            }
        }
        return null;
    }
}
