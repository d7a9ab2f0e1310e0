package io.flowpulse.local;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.Alert;
import io.flowpulse.records.Classification;
import io.flowpulse.records.Direction;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The input and the exactly-once check shared by the failure tests (MiniCluster in CI, a
 * multi-process cluster by {@code ./flowpulse failure-test}). A fixed input (a signed model, 240
 * exporter flow records, four days of 5-minute samples of six ports with a surge and a drop, then
 * a clock sample per port) is written in three parts; the job (exactly-once sinks, checkpointing)
 * turns it into flows, classifications, port points, anomaly scores and alerts. Run once without
 * a failure it gives the reference output; with a failure injected between the parts, a
 * {@code read_committed} consumer must see exactly the reference output: every record, each
 * once. The input is built so the output does not depend on timing: every input partition has
 * data, each is in event-time order, and idleness is far longer than the test.
 */
public final class ExactlyOnceScenario {
    /** HMAC key the scenario signs its model with (a test key, not a secret). */
    public static final byte[] MODEL_KEY = "flowpulse-failure-test-signing-key".getBytes(StandardCharsets.UTF_8);
    static final long START_MILLIS = 1_736_121_600_000L; // 2025-01-06T00:00Z, a Monday
    static final long SAMPLE_MILLIS = 5 * 60_000L;
    static final int DAYS = 4;
    static final int PORTS = 6;
    static final int FLOWS = 240;
    /** Event-time fractions of the input at which parts 1 and 2 begin. */
    static final double[] PART_STARTS = {0.0, 0.45, 0.75, 1.0};

    private final String bootstrap;
    private final Properties clientProps;
    private final String prefix;

    public ExactlyOnceScenario(String bootstrap, Properties clientProps, String prefix) {
        this.bootstrap = bootstrap;
        this.clientProps = clientProps;
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }

    /** The job's options: prefixed topics, exactly-once sinks, a transactional id prefix of its own. */
    public Map<String, String> jobOptions(Path modelKeyFile) {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        m.put(JobOptions.GROUP_ID.key(), groupId());
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.DELIVERY_GUARANTEE.key(), "exactly-once");
        m.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), prefix + "-tx");
        m.put(JobOptions.IDLENESS.key(), "10 min");
        m.put(JobOptions.ACTIVE_STRATEGY.key(), "none");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), modelKeyFile.toString());
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), topic(o.defaultValue().toString()));
            }
        }
        for (String k : clientProps.stringPropertyNames()) {
            m.put(JobOptions.CLIENT_PROPERTIES.key() + "." + k, clientProps.getProperty(k));
        }
        return m;
    }

    public static Path writeModelKey(Path dir) throws Exception {
        Path f = dir.resolve("failure-test-model.key");
        Files.write(f, MODEL_KEY);
        return f;
    }

    String groupId() {
        return prefix + "-job";
    }

    String topic(String name) {
        return prefix + "-" + name;
    }

    public void createTopics() throws Exception {
        List<String> topics = new ArrayList<>();
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                topics.add(topic(o.defaultValue().toString()));
            }
        }
        EmbeddedKafkaCluster.createTopics(bootstrap, 2, topics, Set.of(topic("models")), clientProps);
    }

    // ---- input ----

    static String portName(int p) {
        return "xe-0/0/" + p;
    }

    static String portKey(int p) {
        return "edge-1|" + portName(p) + "|IN";
    }

    static {
        Set<Integer> partitions = new HashSet<>();
        for (int p = 0; p < PORTS; p++) {
            partitions.add(Utils.toPositive(Utils.murmur2(portKey(p).getBytes(StandardCharsets.UTF_8))) % 2);
        }
        if (partitions.size() != 2) {
            // a partition without data would hold the watermark back (idleness is 10 min)
            throw new IllegalStateException("the scenario's port keys must cover both partitions");
        }
    }

    /** Bytes of one 5-minute sample: daily seasonality, a small deterministic wiggle, a surge and a drop. */
    static long sampleBytes(int port, int index) {
        double hour = (index % 288) / 12.0;
        double bytes = (1 + port) * 1.5e7 * (1 + 0.4 * Math.sin(2 * Math.PI * (hour - 6) / 24))
                + 2e5 * ((index * 7 + port * 3) % 5);
        int day = index / 288;
        if (port == 0 && day == 2 && hour >= 10 && hour < 13) {
            bytes *= 3; // a 3-hour surge: WARNING, then CRITICAL, then CLEARED
        }
        if (port == 3 && day == 3 && hour >= 2 && hour < 4) {
            bytes *= 0.05; // a 2-hour drop
        }
        return (long) bytes;
    }

    static int samplesPerPort() {
        return DAYS * 288;
    }

    static FlowRecord flow(int i) {
        long t = START_MILLIS * 1000 + (long) i * 60_000_000L;
        return FlowRecord.newBuilder()
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 1, (byte) (i / 200), (byte) (i % 200)}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(2000 + i).setDstPort(443)
                        .setProtocol(6).build())
                .setStartMicros(t).setEndMicros(t + 5_000_000L)
                .setFwdPackets(1 + i % 25).setFwdBytes(120L * (1 + i % 25)).setBwdPackets(1 + i % 7).setBwdBytes(900L * (1 + i % 7))
                .build();
    }

    static ModelUpdate model() {
        PriorModel m = new PriorModel(new FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 12,
                new double[] {0.8, 0.2}, new double[] {0.3, 0.7});
        byte[] payload = m.encode();
        return ModelUpdate.newBuilder().setModelId("size").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1)
                .setCreatedMillis(START_MILLIS).setFormat(m.format()).setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(MODEL_KEY).sign("size", "FLOW_CLASSIFIER", 1, m.format(), payload)))
                .build();
    }

    /** Writes part {@code part} (0, 1, 2) of the input; part 0 starts with the model, part 2 ends with the clock samples. */
    public void writePart(int part) {
        try (TopicWriter w = new TopicWriter(bootstrap, clientProps)) {
            if (part == 0) {
                w.send(topic("models"), "size", START_MILLIS, Codecs.MODEL_UPDATE, model());
            }
            int n = samplesPerPort();
            int from = (int) Math.round(PART_STARTS[part] * n);
            int to = (int) Math.round(PART_STARTS[part + 1] * n);
            int flowFrom = (int) Math.round(PART_STARTS[part] * FLOWS);
            int flowTo = (int) Math.round(PART_STARTS[part + 1] * FLOWS);
            for (int i = from; i < to; i++) {
                long ts = START_MILLIS + i * SAMPLE_MILLIS;
                for (int p = 0; p < PORTS; p++) {
                    w.send(topic("port-samples"), portKey(p), ts, Codecs.PORT_SAMPLE, sample(p, ts, sampleBytes(p, i)));
                }
                int f = flowFrom + (int) ((long) (i - from) * (flowTo - flowFrom) / Math.max(1, to - from));
                int fEnd = flowFrom + (int) ((long) (i + 1 - from) * (flowTo - flowFrom) / Math.max(1, to - from));
                for (; f < fEnd; f++) {
                    FlowRecord r = flow(f);
                    w.send(topic("flow-records"), FlowKeySelector.canonicalKey(r.getKey()), r.getEndMicros() / 1000, Codecs.FLOW_RECORD, r);
                }
            }
            if (part == 2) {
                // one sample per port 2 hours after the end: the watermark passes the last buckets
                long clock = START_MILLIS + (n + 24) * SAMPLE_MILLIS;
                for (int p = 0; p < PORTS; p++) {
                    w.send(topic("port-samples"), portKey(p), clock, Codecs.PORT_SAMPLE, sample(p, clock, sampleBytes(p, n)));
                }
            }
            w.flush();
        }
    }

    static PortSample sample(int port, long ts, long bytes) {
        return PortSample.newBuilder().setDevice("edge-1").setPort(portName(port)).setDirection(Direction.IN)
                .setTimestampMillis(ts).setKind(SampleKind.DELTA).setBytes(bytes).build();
    }

    public static int expectedClassifications() {
        return FLOWS;
    }

    // ---- output ----

    /** Every committed output record of one run, counted (a duplicate has count 2). */
    public record Outputs(Map<String, Map<SpecificRecordBase, Integer>> byTopic, Map<String, Long> uncommittedCounts) {
        public int count(String topic) {
            return byTopic.getOrDefault(topic, Map.of()).values().stream().mapToInt(Integer::intValue).sum();
        }

        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (String t : byTopic.keySet()) {
                sb.append(String.format("  %-16s %6d committed (%d distinct), %6d in the log incl. aborted%n", t, count(t),
                        byTopic.get(t).size(), uncommittedCounts.getOrDefault(t, 0L)));
            }
            return sb.toString();
        }
    }

    static final Map<String, AvroCodec<? extends SpecificRecordBase>> OUTPUTS = new LinkedHashMap<>();

    static {
        OUTPUTS.put("classifications", Codecs.CLASSIFICATION);
        OUTPUTS.put("alerts", Codecs.ALERT);
        OUTPUTS.put("anomalies", Codecs.ANOMALY_SCORE);
        OUTPUTS.put("port-points", Codecs.PORT_POINT);
        OUTPUTS.put("flows", Codecs.FLOW_FEATURES);
    }

    /** Reads every output topic to its end (last stable offset), read_committed; and the raw log size, read_uncommitted. */
    public Outputs read() {
        Map<String, Map<SpecificRecordBase, Integer>> out = new LinkedHashMap<>();
        Map<String, Long> raw = new LinkedHashMap<>();
        for (Map.Entry<String, AvroCodec<? extends SpecificRecordBase>> e : OUTPUTS.entrySet()) {
            Map<SpecificRecordBase, Integer> counts = new HashMap<>();
            try (TopicReader<? extends SpecificRecordBase> r = new TopicReader<>(bootstrap, topic(e.getKey()), e.getValue(), clientProps)) {
                if (!r.drainToEnd(Duration.ofSeconds(60))) {
                    throw new IllegalStateException("could not read " + topic(e.getKey()) + " to its end");
                }
                for (SpecificRecordBase rec : r.records()) {
                    counts.merge(rec, 1, Integer::sum);
                }
                if (r.undecodable() > 0) {
                    throw new IllegalStateException(r.undecodable() + " undecodable records on " + topic(e.getKey()));
                }
            }
            out.put(e.getKey(), counts);
            raw.put(e.getKey(), uncommittedCount(topic(e.getKey())));
        }
        return new Outputs(out, raw);
    }

    /** Records a read_uncommitted consumer sees (aborted transactions included, markers not). */
    long uncommittedCount(String topic) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
            return n;
        }
    }

    /**
     * Null when {@code actual} holds exactly the records of {@code reference}, each as often;
     * otherwise what is missing and what is extra (duplicates included), per topic.
     */
    public static String compare(Outputs reference, Outputs actual) {
        StringBuilder sb = new StringBuilder();
        for (String t : reference.byTopic().keySet()) {
            Map<SpecificRecordBase, Integer> ref = reference.byTopic().get(t);
            Map<SpecificRecordBase, Integer> got = actual.byTopic().getOrDefault(t, Map.of());
            int missing = 0;
            int extra = 0;
            String example = null;
            Set<SpecificRecordBase> all = new HashSet<>(ref.keySet());
            all.addAll(got.keySet());
            for (SpecificRecordBase r : all) {
                int d = got.getOrDefault(r, 0) - ref.getOrDefault(r, 0);
                if (d < 0) {
                    missing -= d;
                } else if (d > 0) {
                    extra += d;
                }
                if (d != 0 && example == null) {
                    example = (d < 0 ? "missing " : "extra ") + r;
                }
            }
            if (missing + extra > 0) {
                sb.append(t).append(": ").append(missing).append(" missing, ").append(extra)
                        .append(" extra (duplicates or unexpected), e.g. ").append(example).append('\n');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Checks the reference itself: every flow classified once, and the port path produced alerts. */
    public static String checkReference(Outputs ref) {
        if (ref.count("classifications") != FLOWS || ref.byTopic().get("classifications").size() != FLOWS) {
            return "reference run: expected " + FLOWS + " classifications, got " + ref.count("classifications");
        }
        if (ref.count("alerts") == 0) {
            return "reference run produced no alert";
        }
        int expectedPoints = PORTS * DAYS * 48;
        if (ref.count("port-points") < expectedPoints) {
            return "reference run: expected at least " + expectedPoints + " port points, got " + ref.count("port-points");
        }
        return null;
    }

    /** Alert transitions per alert id, for the report. */
    public static Map<String, List<String>> alertStory(Outputs o) {
        Map<String, List<String>> story = new TreeMap<>();
        o.byTopic().getOrDefault("alerts", Map.of()).forEach((r, n) -> {
            Alert a = (Alert) r;
            for (int i = 0; i < n; i++) {
                story.computeIfAbsent(a.getPort() + " " + a.getAlertId(), k -> new ArrayList<>()).add(a.getState() + "/" + a.getSeverity());
            }
        });
        return story;
    }

    // ---- waiting ----

    /**
     * Polls until the job has consumed every input record (its group's committed offsets, which
     * the Kafka source commits when a checkpoint completes, are at the end of every input topic),
     * then until two more checkpoints completed, so the output of event-time timers the last
     * records triggered is committed too.
     */
    public void awaitQuiescent(FlinkRest rest, String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<String> inputs = List.of(topic("models"), topic("flow-records"), topic("port-samples"));
            awaitOrFail(deadline, "the job did not consume all input", () -> {
                try {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(groupId()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    Map<TopicPartition, OffsetSpec> req = new HashMap<>();
                    for (var d : admin.describeTopics(inputs).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
                        d.partitions().forEach(pi -> req.put(new TopicPartition(d.name(), pi.partition()), OffsetSpec.latest()));
                    }
                    for (var e : admin.listOffsets(req).all().get(10, TimeUnit.SECONDS).entrySet()) {
                        long end = e.getValue().offset();
                        OffsetAndMetadata c = committed.get(e.getKey());
                        if (end > 0 && (c == null || c.offset() < end)) {
                            return false;
                        }
                    }
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        long base = rest.completedCheckpoints(jobId);
        awaitOrFail(deadline, "no further checkpoints completed", () -> {
            try {
                return rest.completedCheckpoints(jobId) >= base + 2;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** Polls until some committed output exists on classifications and port-points (a checkpoint committed). */
    public void awaitFirstCommittedOutput(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (TopicReader<Classification> c = new TopicReader<>(bootstrap, topic("classifications"), Codecs.CLASSIFICATION, clientProps);
                TopicReader<PortPoint> pp = new TopicReader<>(bootstrap, topic("port-points"), Codecs.PORT_POINT, clientProps)) {
            awaitOrFail(deadline, "no committed output", () -> {
                c.poll(Duration.ofMillis(100));
                pp.poll(Duration.ofMillis(100));
                return !c.records().isEmpty() && !pp.records().isEmpty();
            });
        }
    }

    public static void awaitOrFail(long deadlineNanos, String what, BooleanSupplier done) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException("timed out: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200); // poll interval of a deadline-bounded wait
        }
    }
}
