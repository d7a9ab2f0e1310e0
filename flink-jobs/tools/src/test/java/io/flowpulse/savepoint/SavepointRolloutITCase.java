package io.flowpulse.savepoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.cli.SavepointCommand;
import io.flowpulse.config.JobOptions;
import io.flowpulse.config.Operators;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Classification;
import io.flowpulse.records.Direction;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Savepoint-based rollouts end to end, on a MiniCluster (parallelism 2, RocksDB state) with the real broker:
 * run A learns the per-port detectors and serves model v1 (from the models topic), stops with a
 * savepoint; run B starts from it and serves v1 with warm detectors (its bands equal those of an
 * uninterrupted run over the same input, with no re-learning); {@code savepoint set-model} writes
 * v2 (never published on the topic) into a copy of B's savepoint, and run C serves v2 from its
 * first record; run D from B's savepoint (the rollback) serves v1 again.
 */
class SavepointRolloutITCase {
    static final byte[] KEY = "savepoint-test-signing-key-7".getBytes(StandardCharsets.UTF_8);
    static final long T0 = 1_763_856_000_000L; // 2025-11-23T00:00Z
    static final long DAY = 24L * 3600 * 1000;
    static final long SAMPLE = 5L * 60 * 1000;
    /** Two ports whose keys land on different partitions of the 2-partition samples topic. */
    static final String[][] PORTS = portsOnBothPartitions();

    static String[][] portsOnBothPartitions() {
        String[] first = {"core-1", "xe-0/0/0", "IN"};
        for (int i = 1; ; i++) {
            String[] other = {"core-1", "xe-0/0/" + i, "IN"};
            if (partition(other) != partition(first)) {
                return new String[][] {first, other};
            }
        }
    }

    /** Kafka's default partitioner for a keyed record (murmur2 of the key bytes). */
    static int partition(String[] port) {
        byte[] key = (port[0] + "|" + port[1] + "|" + port[2]).getBytes(StandardCharsets.UTF_8);
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key)) % 2;
    }

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static ModelUpdate model(long version, double pSmall, byte[] key) {
        PriorModel m = new PriorModel(new FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 10,
                new double[] {pSmall, 1 - pSmall}, new double[] {1 - pSmall, pSmall});
        byte[] payload = m.encode();
        return ModelUpdate.newBuilder().setModelId("size").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(version)
                .setCreatedMillis(T0 + version).setFormat(m.format()).setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(key).sign("size", "FLOW_CLASSIFIER", version, m.format(), payload)))
                .build();
    }

    static List<FlowRecord> flows(int batch, int n) {
        List<FlowRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = (T0 + batch * DAY) * 1000 + i;
            out.add(FlowRecord.newBuilder()
                    .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, (byte) batch, 0, (byte) i}))
                            .setDstIp(ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(1000 + i).setDstPort(53)
                            .setProtocol(17).build())
                    .setStartMicros(start).setEndMicros(start + 100)
                    .setFwdPackets(i % 20).setFwdBytes(100L * i).setBwdPackets(1).setBwdBytes(60).build());
        }
        return out;
    }

    /** COUNTER samples every 5 minutes with a daily cycle, per port, over [fromDay, toDay), in time order. */
    static void sendSamples(TopicWriter w, String topic, int fromDay, int toDay) {
        for (long t = T0 + fromDay * DAY; t < T0 + toDay * DAY; t += SAMPLE) {
            for (int p = 0; p < PORTS.length; p++) {
                String[] port = PORTS[p];
                PortSample s = PortSample.newBuilder().setDevice(port[0]).setPort(port[1])
                        .setDirection(Direction.valueOf(port[2])).setTimestampMillis(t).setKind(SampleKind.COUNTER)
                        .setBytes(counter(p, t)).setCounterBits(64).build();
                w.send(topic, port[0] + "|" + port[1] + "|" + port[2], t, Codecs.PORT_SAMPLE, s);
            }
        }
        w.flush();
    }

    /** Counter value: integral of a daily sinusoidal rate (bytes/s), deterministic. */
    static long counter(int port, long t) {
        double seconds = (t - T0) / 1000.0;
        double base = 1_000_000.0 * (port + 1);
        double omega = 2 * Math.PI / 86_400.0;
        return (long) (base * seconds + base * 0.5 * (1 - Math.cos(omega * seconds)) / omega);
    }

    static Configuration conf(Path keyFile, String group, String outputPrefix, boolean bounded) {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), group);
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        // both sample partitions carry data, so no input needs to go idle; a short idleness would let
        // a partition that stalls on a loaded machine be skipped while the other moves the watermark
        // past its records (or, in the bounded run, a subtask that finished early move it to the end)
        m.put(JobOptions.IDLENESS.key(), "10 min");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        m.put(JobOptions.BOUNDED.key(), Boolean.toString(bounded));
        m.put(JobOptions.ACTIVE_STRATEGY.key(), "none");
        // this test reads Holt-Winters state (slots + scalars) from the savepoints
        m.put(JobOptions.PORT_DETECTOR.key(), "holt-winters");
        Set<String> inputs = Set.of(JobOptions.TOPIC_PACKETS.key(), JobOptions.TOPIC_FLOW_RECORDS.key(),
                JobOptions.TOPIC_PORT_SAMPLES.key(), JobOptions.TOPIC_MODELS.key());
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), (inputs.contains(o.key()) ? "sp" : outputPrefix) + "-" + o.defaultValue());
            }
        }
        return Configuration.fromMap(m);
    }

    /** The interrupted runs keep their state in RocksDB, as in production; the reference run on the heap. */
    static StreamExecutionEnvironment env(String restoreFrom, boolean rocksdb) {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        if (rocksdb) {
            c.set(org.apache.flink.configuration.StateBackendOptions.STATE_BACKEND, "rocksdb");
        }
        if (restoreFrom != null) {
            c.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        return env;
    }

    /**
     * A savepoint needs every task running; restoring RocksDB state on a loaded machine can leave a
     * task initializing after the first outputs already arrived.
     */
    static void allTasksRunning(org.apache.flink.runtime.minicluster.MiniCluster cluster, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            boolean running = true;
            for (var v : cluster.getExecutionGraph(job.getJobID()).get().getAllExecutionVertices()) {
                running &= v.getExecutionState() == org.apache.flink.runtime.execution.ExecutionState.RUNNING;
            }
            if (running) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "tasks of " + job.getJobID() + " not all running after 60 s");
            Thread.sleep(50);
        }
    }

    static String key(AnomalyScore a) {
        return a.getDevice() + "|" + a.getPort() + "|" + a.getDirection() + "@" + a.getBucketEndMillis();
    }

    static void sendFlows(TopicWriter w, String topic, List<FlowRecord> flows) {
        flows.forEach(r -> w.send(topic, FlowKeySelector.canonicalKey(r.getKey()), 1, Codecs.FLOW_RECORD, r));
        w.flush();
    }

    static List<Long> versionsOfBatch(List<Classification> all, int batch) {
        return all.stream().filter(c -> c.getKey().getSrcIp().get(1) == batch).map(Classification::getModelVersion)
                .collect(Collectors.toList());
    }

    private long started = System.nanoTime();

    private void phase(String what) {
        System.out.printf("SavepointRolloutITCase: %-40s at %5.1f s%n", what, (System.nanoTime() - started) / 1e9);
    }

    @Test
    void modelsAndDetectorStateSurviveASavepointAndSetModelRollsOutANewModel(@TempDir Path dir,
            @org.apache.flink.test.junit5.InjectMiniCluster org.apache.flink.runtime.minicluster.MiniCluster cluster) throws Exception {
        Path keyFile = dir.resolve("model.key");
        Files.write(keyFile, KEY);
        Configuration conf = conf(keyFile, "sp-job", "sp", false);
        List<String> topics = conf.toMap().entrySet().stream().filter(e -> e.getKey().startsWith("topics."))
                .map(Map.Entry::getValue).collect(Collectors.toList());
        Configuration ref = conf(keyFile, "sp-ref", "ref", true);
        topics.addAll(ref.toMap().entrySet().stream().filter(e -> e.getKey().startsWith("topics.ref") || e.getValue().startsWith("ref-"))
                .map(Map.Entry::getValue).collect(Collectors.toList()));
        String samplesTopic = conf.get(JobOptions.TOPIC_PORT_SAMPLES);
        KAFKA.cluster().createTopics(2, topics, Set.of(conf.get(JobOptions.TOPIC_MODELS)));
        String flowsTopic = conf.get(JobOptions.TOPIC_FLOW_RECORDS);
        String savepoints = dir.resolve("savepoints").toUri().toString();

        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers());
                TopicReader<Classification> classified = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_CLASSIFICATIONS), Codecs.CLASSIFICATION);
                TopicReader<ModelEvent> events = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_MODEL_EVENTS), Codecs.MODEL_EVENT);
                TopicReader<AnomalyScore> scores = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_ANOMALIES), Codecs.ANOMALY_SCORE)) {
            // ---- run A: three days of port samples, model v1 on the topic, a batch of flows
            writer.send(conf.get(JobOptions.TOPIC_MODELS), "size", 1, Codecs.MODEL_UPDATE, model(1, 0.9, KEY));
            writer.flush();
            sendSamples(writer, samplesTopic, 0, 3);
            phase("run A");
            JobClient a = FlowpulseJob.start(env(null, true), conf);
            sendFlows(writer, flowsTopic, flows(1, 20));
            classified.pollUntil(l -> l.size() >= 20, Duration.ofSeconds(60));
            // the detectors have scored (nearly) all three days for both ports
            scores.pollUntil(l -> l.size() >= 2 * (3 * 48 - 2), Duration.ofSeconds(60));
            phase("A scored");
            allTasksRunning(cluster, a);
            String savepointA = a.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get();
            assertTrue(scores.drainToEnd(Duration.ofSeconds(30)));
            int scoredInA = scores.records().size();
            assertTrue(events.drainToEnd(Duration.ofSeconds(30)));
            assertTrue(scoredInA >= 2 * (3 * 48 - 2), "scores in run A: " + scoredInA);
            assertEquals(List.of("ACCEPTED v1"), events.records().stream().map(e -> e.getOutcome() + " v" + e.getVersion())
                    .collect(Collectors.toList()));

            phase("A stopped with savepoint");
            // the savepoint holds v1 and warm Holt-Winters state for both ports
            assertEquals(List.of(1L), FlowpulseSavepoints.models(savepointA).stream().map(ModelUpdate::getVersion)
                    .collect(Collectors.toList()));
            FlowpulseSavepoints.DetectorSummary hw = FlowpulseSavepoints.detectors(savepointA).stream()
                    .filter(d -> d.operator() == Operators.PORT_DETECTOR).findFirst().orElseThrow();
            assertEquals(2, hw.keys());
            assertTrue(hw.bytes() > 2 * 48 * 16, "bytes " + hw.bytes());
            assertTrue(hw.newestUpdateMillis() >= T0 + 3 * DAY - 2 * 3_600_000L, "last update " + hw.newestUpdateMillis());

            // ---- run B from A's savepoint: a fourth day, more flows; v1 serves, detectors warm
            sendSamples(writer, samplesTopic, 3, 4);
            phase("run B");
            JobClient b = FlowpulseJob.start(env(savepointA, true), conf);
            sendFlows(writer, flowsTopic, flows(2, 20));
            classified.pollUntil(l -> l.size() >= 40, Duration.ofSeconds(60));
            scores.pollUntil(l -> l.size() >= scoredInA + 2 * 44, Duration.ofSeconds(60));
            phase("B scored");
            allTasksRunning(cluster, b);
            String savepointB = b.stopWithSavepoint(false, savepoints, SavepointFormatType.CANONICAL).get();
            assertTrue(scores.drainToEnd(Duration.ofSeconds(30)));
            assertTrue(events.drainToEnd(Duration.ofSeconds(30)));
            List<AnomalyScore> afterRestart = new ArrayList<>(scores.records().subList(scoredInA, scores.records().size()));
            assertTrue(versionsOfBatch(classified.records(), 2).stream().allMatch(v -> v == 1),
                    "v1 serves after the restart: " + versionsOfBatch(classified.records(), 2));
            assertEquals(1, events.records().size(), "the restored job did not need the models topic again");

            phase("B stopped");
            // ---- set-model v2 (signed, never published) into a copy of B's savepoint; a bad one is refused
            String savepointC = dir.resolve("with-v2").toUri().toString();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
            assertEquals("bad signature", SavepointCommand.setModel(savepointB, model(3, 0.5, "another-signing-key-of-someone".getBytes(StandardCharsets.UTF_8)),
                    dir.resolve("bad").toUri().toString(), KEY, false, out));
            assertFalse(Files.exists(dir.resolve("bad")));
            assertNull(SavepointCommand.setModel(savepointB, model(2, 0.7, KEY), savepointC, KEY, false, out), log.toString());
            assertEquals(List.of(2L), FlowpulseSavepoints.models(savepointC).stream().map(ModelUpdate::getVersion)
                    .collect(Collectors.toList()));
            SavepointCommand.inspect(savepointC, out);
            String inspected = log.toString(StandardCharsets.UTF_8);
            System.out.print(inspected);
            assertTrue(inspected.contains("size") && inspected.contains("port-detector (Holt-Winters): 2 keys"), inspected);

            phase("set-model + inspect done");
            // ---- run C from the new savepoint: v2 from the first record, nothing on the models topic
            int before = classified.records().size();
            JobClient c = FlowpulseJob.start(env(savepointC, true), conf);
            sendFlows(writer, flowsTopic, flows(3, 20));
            classified.pollUntil(l -> l.size() >= before + 20, Duration.ofSeconds(60));
            assertEquals(JobStatus.RUNNING, c.getJobStatus().get());
            c.cancel().get();
            assertTrue(events.drainToEnd(Duration.ofSeconds(30)));
            List<Long> v3 = versionsOfBatch(classified.records(), 3);
            assertEquals(20, v3.size());
            assertTrue(v3.stream().allMatch(v -> v == 2), "v2 serves from the first record: " + v3);
            assertEquals(1, events.records().size(), "v2 came from the savepoint, not from the topic");

            phase("C done");
            // ---- rollback: run D from B's savepoint serves v1 again (it re-reads batch 3 after B's offsets)
            int beforeD = classified.records().size();
            JobClient d = FlowpulseJob.start(env(savepointB, true), conf);
            classified.pollUntil(l -> l.size() >= beforeD + 20, Duration.ofSeconds(60));
            d.cancel().get();
            List<Classification> rolledBack = classified.records().subList(beforeD, classified.records().size());
            assertTrue(rolledBack.stream().allMatch(x -> x.getModelVersion() == 1), "rollback to v1");

            phase("D done");
            // ---- reference: one uninterrupted (bounded) run over the same input
            JobClient r = FlowpulseJob.start(env(null, false), ref);
            r.getJobExecutionResult().get();
            phase("reference done");
            try (TopicReader<AnomalyScore> refScores = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                    ref.get(JobOptions.TOPIC_ANOMALIES), Codecs.ANOMALY_SCORE)) {
                assertTrue(refScores.drainToEnd(Duration.ofSeconds(30)));
                Map<String, AnomalyScore> uninterrupted = refScores.records().stream()
                        .collect(Collectors.toMap(SavepointRolloutITCase::key, x -> x, (x, y) -> x));
                for (String[] port : PORTS) {
                    System.out.printf("SavepointRolloutITCase: %s uninterrupted %s..%s (%d), restarted %s..%s (%d)%n", port[1],
                            refScores.records().stream().filter(x -> x.getPort().equals(port[1])).mapToLong(AnomalyScore::getBucketEndMillis).min(),
                            refScores.records().stream().filter(x -> x.getPort().equals(port[1])).mapToLong(AnomalyScore::getBucketEndMillis).max(),
                            refScores.records().stream().filter(x -> x.getPort().equals(port[1])).count(),
                            scores.records().stream().filter(x -> x.getPort().equals(port[1])).mapToLong(AnomalyScore::getBucketEndMillis).min(),
                            scores.records().stream().filter(x -> x.getPort().equals(port[1])).mapToLong(AnomalyScore::getBucketEndMillis).max(),
                            scores.records().stream().filter(x -> x.getPort().equals(port[1])).count());
                }
                // the first bands after the restart, per port: warm (a finite band, no warm-up) and equal
                for (String[] port : PORTS) {
                    AnomalyScore first = afterRestart.stream()
                            .filter(x -> x.getPort().equals(port[1]))
                            .min(java.util.Comparator.comparingLong(AnomalyScore::getBucketEndMillis)).orElseThrow();
                    assertTrue(Double.isFinite(first.getLower()) && Double.isFinite(first.getUpper()),
                            "warm band right after the restart: " + first);
                }
                assertTrue(afterRestart.size() >= 2 * 44);
                for (AnomalyScore s : scores.records()) {
                    AnomalyScore u = uninterrupted.get(key(s));
                    assertNotNull(u, "bucket " + key(s) + " in the uninterrupted run");
                    assertEquals(u.getExpected(), s.getExpected(), 1e-9, "expected at " + key(s));
                    assertEquals(u.getLower(), s.getLower(), 1e-9, "lower at " + key(s));
                    assertEquals(u.getUpper(), s.getUpper(), 1e-9, "upper at " + key(s));
                }
                assertEquals(scores.records().size(), scores.records().stream().map(SavepointRolloutITCase::key).distinct().count(),
                        "no bucket scored twice across the restarts");
            }
        }
    }
}
