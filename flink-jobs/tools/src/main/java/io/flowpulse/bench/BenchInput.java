package io.flowpulse.bench;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.ml.classify.ForestTrainer;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.features.DohFeatures;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sim.SimulatorParams;
import io.flowpulse.sim.TrafficSimulator;
import io.flowpulse.sources.LabelledFlowCsv;
import io.flowpulse.sources.pcap.RepeatedCaptureGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * One scenario's bounded input, built before the clock starts: the records Avro single-object
 * encoded exactly as on Kafka, in event-time order (so "the input that made an output due" is the
 * first record whose event time reaches the output's due time), and the distinct keys of the
 * scenario's keyed operator.
 *
 * <p>Every record has a key and a partition, as the project's producers write them (the replayer,
 * the demo, the job's own sinks): the key of the scenario's keyed operator (canonical flow key,
 * device|port|direction), the partition Kafka's default partitioner gives that key. So all records
 * of one key are on one partition, in event-time order, and reach their keyed operator in that order
 * in both modes. (Record i to partition i mod p, as before issue 18, spread one flow's packets over
 * partitions that are read at different speeds: the flow operator then saw them out of order, and
 * split and merged flows differently in every run.)
 */
public final class BenchInput {
    /** Signing key of the bench's model (the job accepts only signed models). */
    /** Tribuo logs every tree it builds through java.util.logging; held so the level set here sticks. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");
    static final byte[] MODEL_KEY = "flowpulse-bench-signing-key".getBytes(StandardCharsets.UTF_8);

    final BenchScenario scenario;
    /** Null for a packets input held as PacketBatch records ({@link #batches}). */
    final byte[][] values;
    /** Kafka record key of each record (UTF-8 of the keyed operator's key); null with {@link #batches}. */
    final byte[][] keys;
    /** Partition of each record: Kafka's default partitioner on {@link #keys}. */
    final int[] partitions;
    final int partitionCount;
    final long[] eventMillis;
    final long distinctKeys;
    /** The signed classifier of the flows scenario, else null. */
    final ModelUpdate model;
    final String description;
    /**
     * The packets scenario's input as capture agents write it (PacketBatch records), the same in
     * both modes; null for other scenarios and with {@code --packet-batch 1}. The input's size and
     * indexes are then packets, and {@link #values}/{@link #keys} are not kept (memory: a bench
     * input of millions of packets would otherwise be most of the heap the job's GC has to scan).
     */
    final KafkaPacketInput batches;

    private BenchInput(BenchScenario scenario, byte[][] values, byte[][] keys, int partitionCount, long[] eventMillis,
            long distinctKeys, ModelUpdate model, String description) {
        this.scenario = scenario;
        this.values = values;
        this.keys = keys;
        this.partitionCount = partitionCount;
        this.partitions = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            partitions[i] = partitionOf(keys[i], partitionCount);
        }
        this.eventMillis = eventMillis;
        this.distinctKeys = distinctKeys;
        this.model = model;
        this.description = description;
        this.batches = null;
    }

    private BenchInput(int[] partitions, int partitionCount, long[] eventMillis, long distinctKeys, String description,
            KafkaPacketInput batches) {
        this.scenario = BenchScenario.PACKETS;
        this.values = null;
        this.keys = null;
        this.partitions = partitions;
        this.partitionCount = partitionCount;
        this.eventMillis = eventMillis;
        this.distinctKeys = distinctKeys;
        this.model = null;
        this.description = description;
        this.batches = batches;
    }

    public int size() {
        return eventMillis.length;
    }

    /** The partition Kafka's default partitioner picks for a record with this key (murmur2 of the key bytes). */
    static int partitionOf(byte[] key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key, partitions);
    }

    /** Records per partition. */
    long[] perPartition() {
        long[] counts = new long[partitionCount];
        for (int p : partitions) {
            counts[p]++;
        }
        return counts;
    }

    /** Indexes (into the event-time order) of each partition's records, in event-time order. */
    int[][] byPartition() {
        long[] counts = perPartition();
        int[][] out = new int[partitionCount][];
        int[] fill = new int[partitionCount];
        for (int p = 0; p < partitionCount; p++) {
            out[p] = new int[(int) counts[p]];
        }
        for (int i = 0; i < partitions.length; i++) {
            out[partitions[i]][fill[partitions[i]]++] = i;
        }
        return out;
    }

    /** {@code events} rounded down to a multiple of {@code partitions}, on that many partitions. */
    public static BenchInput of(BenchScenario scenario, int events, int partitions, Path sharedData) throws IOException {
        return of(scenario, events, partitions, sharedData, 0);
    }

    /** As above; {@code ratePerSecond} (0: full speed) schedules the lingering of the packets' batches. */
    public static BenchInput of(BenchScenario scenario, int events, int partitions, Path sharedData, double ratePerSecond)
            throws IOException {
        int n = Math.max(partitions, events / partitions * partitions);
        return switch (scenario) {
            case PACKETS -> KafkaPacketInput.batchSize() > 1
                    ? batchedPackets(n, partitions, sharedData.resolve("pcap/throughput-merged.pcap.gz"), ratePerSecond)
                    : packets(n, partitions, sharedData.resolve("pcap/throughput-merged.pcap.gz"));
            case FLOWS -> flows(n, partitions, sharedData.resolve("flows/cesnet_alf_doh/alf_trapcap_flows.csv.gz"),
                    sharedData.resolve("flows/cesnet_alf_doh/conf/doh_D0.csv"));
            case PORTS -> ports(n, partitions);
            case COLLECTOR -> collector(n, partitions, System.getProperty("flowpulse.bench.exports") == null ? null
                    : Path.of(System.getProperty("flowpulse.bench.exports")));
        };
    }

    /** Gap between the copies of the capture in the packets input: longer than the idle timeout. */
    static final long PACKETS_GAP_MICROS = FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS + 1_000_000L;

    /** The capture repeated with time offsets (a gap longer than the idle timeout between copies). */
    static BenchInput packets(int n, int partitions, Path pcap) {
        RepeatedCaptureGenerator gen = new RepeatedCaptureGenerator(pcap.toString(), n, PACKETS_GAP_MICROS);
        gen.open(0, 1);
        FlowKeySelector keys = new FlowKeySelector();
        Set<String> distinct = new HashSet<>();
        byte[][] values = new byte[n][];
        byte[][] recordKeys = new byte[n][];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            PacketEvent p = gen.map((long) i).toPacketEvent();
            String key = keys.getKey(p); // the replayer's record key
            distinct.add(key);
            recordKeys[i] = key.getBytes(StandardCharsets.UTF_8);
            values[i] = Codecs.PACKET_EVENT.encode(p);
            times[i] = Math.floorDiv(p.getTimestampMicros(), 1000);
        }
        return sorted(BenchScenario.PACKETS, values, recordKeys, partitions, times, distinct.size(), null,
                String.format("%s repeated with time offsets to %,d packets", pcap.getFileName(), n));
    }

    /**
     * The capture repeated with time offsets, as {@link #packets}, held only as the PacketBatch
     * records of {@link KafkaPacketInput} (about 35 bytes a packet instead of about 200).
     */
    /** Bits of a packet's index in the sort key of {@link #batchedPackets} (the rest: its event time). */
    private static final int INDEX_BITS = 28;

    static BenchInput batchedPackets(int n, int partitions, Path pcap, double ratePerSecond) {
        RepeatedCaptureGenerator gen = new RepeatedCaptureGenerator(pcap.toString(), n, PACKETS_GAP_MICROS);
        gen.open(0, 1);
        FlowPacket[] generated = new FlowPacket[n];
        long minMillis = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            generated[i] = gen.map((long) i);
            minMillis = Math.min(minMillis, Math.floorDiv(generated[i].timestampMicros, 1000));
        }
        // event-time order, ties in input order: sort (millis since the first, index) packed in a long
        if (n > 1 << INDEX_BITS) {
            throw new IllegalArgumentException("packets input over " + (1 << INDEX_BITS) + " packets");
        }
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            long rel = Math.floorDiv(generated[i].timestampMicros, 1000) - minMillis;
            if (rel >= 1L << (63 - INDEX_BITS)) {
                throw new IllegalStateException("packets input spans over " + (1L << (63 - INDEX_BITS)) + " ms of event time");
            }
            order[i] = rel << INDEX_BITS | i;
        }
        Arrays.sort(order);
        FlowPacket[] sorted = new FlowPacket[n];
        long[] times = new long[n];
        int[] parts = new int[n];
        Set<ByteBuffer> distinct = new HashSet<>();
        for (int j = 0; j < n; j++) {
            int i = (int) (order[j] & ((1L << INDEX_BITS) - 1));
            FlowPacket p = generated[i];
            generated[i] = null;
            byte[] key = io.flowpulse.cli.PacketBatcher.flowKey(p); // the replayer's record key
            distinct.add(ByteBuffer.wrap(key));
            sorted[j] = p;
            times[j] = Math.floorDiv(p.timestampMicros, 1000);
            parts[j] = partitionOf(key, partitions);
        }
        KafkaPacketInput batches = new KafkaPacketInput(sorted, parts, partitions, KafkaPacketInput.batchSize(),
                KafkaPacketInput.linger(), ratePerSecond);
        return new BenchInput(parts, partitions, times, distinct.size(),
                String.format("%s repeated with time offsets to %,d packets", pcap.getFileName(), n), batches);
    }

    /**
     * CESNET ALF's exporter flows (with per-packet arrays, so the job computes the DoH features)
     * repeated with time offsets, and a random forest trained on ALF's D0 set, signed.
     */
    static BenchInput flows(int n, int partitions, Path flowsCsv, Path trainingCsv) throws IOException {
        List<FlowRecord> base = new ArrayList<>();
        LabelledFlowCsv.read(flowsCsv, "is_doh_blacklist", (r, label) -> base.add(r));
        long period = repeatPeriodMicros(base);
        Set<String> distinct = new HashSet<>();
        byte[][] values = new byte[n][];
        byte[][] recordKeys = new byte[n][];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            FlowRecord r = base.get(i % base.size());
            long shift = (long) (i / base.size()) * period;
            if (shift != 0) {
                List<Long> t = new ArrayList<>(r.getPacketTimesMicros().size());
                for (Long x : r.getPacketTimesMicros()) {
                    t.add(x + shift);
                }
                r = FlowRecord.newBuilder(r).setStartMicros(r.getStartMicros() + shift)
                        .setEndMicros(r.getEndMicros() + shift).setPacketTimesMicros(t).build();
            }
            String key = FlowKeySelector.canonicalKey(r.getKey());
            distinct.add(key);
            recordKeys[i] = key.getBytes(StandardCharsets.UTF_8);
            values[i] = Codecs.FLOW_RECORD.encode(r);
            times[i] = Math.floorDiv(r.getEndMicros(), 1000);
        }
        return sorted(BenchScenario.FLOWS, values, recordKeys, partitions, times, distinct.size(), trainedModel(trainingCsv),
                String.format("%s (%,d exporter flows) repeated with time offsets to %,d flows; random forest from %s",
                        flowsCsv.getFileName(), base.size(), n, trainingCsv.getFileName()));
    }

    /**
     * The flow records the collector decodes from softflowd's recorded exports, repeated with time
     * offsets, and a signed classifier on their packet counts (exporter records carry no per-packet
     * arrays, so the DoH forest of the flows scenario does not apply).
     */
    static BenchInput collector(int n, int partitions, Path exportsDir) throws IOException {
        List<FlowRecord> base;
        try {
            // from 2025-01-01 on, one copy after the other
            base = CollectorBenchmark.decodeRebased(CollectorBenchmark.exports(exportsDir), 1_735_689_600_000_000L);
        } catch (io.flowpulse.sources.netflow.NetFlowDecodeException e) {
            throw new IOException("recorded exports do not decode: " + e.getMessage(), e);
        }
        long period = repeatPeriodMicros(base);
        Set<String> distinct = new HashSet<>();
        byte[][] values = new byte[n][];
        byte[][] recordKeys = new byte[n][];
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            FlowRecord r = base.get(i % base.size());
            long shift = (long) (i / base.size()) * period;
            if (shift != 0) {
                r = FlowRecord.newBuilder(r).setStartMicros(r.getStartMicros() + shift).setEndMicros(r.getEndMicros() + shift).build();
            }
            String key = FlowKeySelector.canonicalKey(r.getKey()); // the collector's record key
            distinct.add(key);
            recordKeys[i] = key.getBytes(StandardCharsets.UTF_8);
            values[i] = Codecs.FLOW_RECORD.encode(r);
            times[i] = Math.floorDiv(r.getEndMicros(), 1000);
        }
        io.flowpulse.ml.classify.PriorModel m = new io.flowpulse.ml.classify.PriorModel(
                new io.flowpulse.ml.classify.FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 10,
                new double[] {0.9, 0.1}, new double[] {0.1, 0.9});
        byte[] payload = m.encode();
        ModelUpdate model = ModelUpdate.newBuilder().setModelId("bench-size").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1)
                .setCreatedMillis(1).setFormat(m.format()).setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(MODEL_KEY).sign("bench-size", "FLOW_CLASSIFIER", 1, m.format(), payload)))
                .build();
        return sorted(BenchScenario.COLLECTOR, values, recordKeys, partitions, times, distinct.size(), model,
                String.format("%,d flow records decoded from softflowd's recorded exports (%s) repeated with time offsets to %,d;"
                        + " classifier on bidirectional_packets", base.size(), exportsDir == null ? "testkit" : exportsDir, n));
    }

    /** Simulated 5-minute counters of 16 series per device (daily/weekly seasonality, wraps, resets, anomalies). */
    static BenchInput ports(int n, int partitions) {
        int seriesPerDevice = 16;
        int perSeriesFortnight = 14 * 288;
        int devices = Math.max(1, (int) Math.ceil(n / (double) (seriesPerDevice * perSeriesFortnight)));
        long days = Math.max(1, (long) Math.ceil(n / (double) (devices * seriesPerDevice * 288)) + 1);
        SimulatorParams params = new SimulatorParams().withSeed(42).withDevices(devices).withPortsPerDevice(seriesPerDevice / 2)
                .withPortDuration(Duration.ofDays(days));
        byte[][] values = new byte[n][];
        byte[][] recordKeys = new byte[n][];
        long[] times = new long[n];
        Set<String> distinct = new HashSet<>();
        int[] count = {0};
        new TrafficSimulator(params).generatePortSamples(s -> {
            if (count[0] < n) {
                String key = s.getDevice() + "|" + s.getPort() + "|" + s.getDirection(); // the demo's record key
                distinct.add(key);
                recordKeys[count[0]] = key.getBytes(StandardCharsets.UTF_8);
                values[count[0]] = Codecs.PORT_SAMPLE.encode(s);
                times[count[0]] = s.getTimestampMillis();
                count[0]++;
            }
        });
        if (count[0] < n) {
            throw new IllegalStateException("simulator produced " + count[0] + " port samples, wanted " + n);
        }
        return sorted(BenchScenario.PORTS, values, recordKeys, partitions, times, distinct.size(), null,
                String.format("simulated 5-minute counters: %d devices x %d series, %,d samples (%.1f days)",
                        devices, seriesPerDevice, n, n / (double) (devices * seriesPerDevice * 288)));
    }

    static ModelUpdate trainedModel(Path trainingCsv) throws IOException {
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        LabelledTable table = LabelledTable.fromCsv(trainingCsv, "class", DohFeatures.NAMES);
        var forest = ForestTrainer.train(table, new ForestTrainer.Params(50, 14, 0.5f, 42)).forest;
        byte[] payload = forest.encode();
        String format = forest.format();
        return ModelUpdate.newBuilder().setModelId("bench-doh").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1)
                .setCreatedMillis(1).setFormat(format).setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(MODEL_KEY).sign("bench-doh", "FLOW_CLASSIFIER", 1, format, payload)))
                .build();
    }

    private static BenchInput sorted(BenchScenario s, byte[][] values, byte[][] recordKeys, int partitions, long[] times,
            long keys, ModelUpdate model, String what) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b])); // stable: ties keep input order
        byte[][] v = new byte[values.length][];
        byte[][] k = new byte[values.length][];
        long[] t = new long[values.length];
        for (int i = 0; i < order.length; i++) {
            v[i] = values[order[i]];
            k[i] = recordKeys[order[i]];
            t[i] = times[order[i]];
        }
        return new BenchInput(s, v, k, partitions, t, keys, model, what);
    }

    /** How far each repetition of {@code base} is shifted in time: its whole span plus one second. */
    private static long repeatPeriodMicros(List<FlowRecord> base) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (FlowRecord r : base) {
            min = Math.min(min, r.getStartMicros());
            max = Math.max(max, r.getEndMicros());
        }
        return max - min + 1_000_000L;
    }
}
