package io.flowpulse.active;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.local.TopicReader;
import io.flowpulse.ml.active.ActiveTrainer;
import io.flowpulse.ml.active.LabelledDatasetStore;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole active-learning loop, two rounds, on a MiniCluster (parallelism 2) with the real
 * broker: ALF's D0 model serves CESNET trapcap flows, the query strategy and budget send requests,
 * the oracle answers on the labels topic, the training service retrains and publishes a signed new
 * version that the next round serves; a restarted service resumes from its persisted store.
 */
class ActiveLearningLoopITCase {
    static final Path DOH = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"), "flows/cesnet_alf_doh");
    static final byte[] KEY = "active-learning-itcase-key".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void twoRoundsBringLabelsBackAndPublishABetterModelThatTheNextRoundServes(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(DOH.resolve("conf/doh_D0.csv")), "shared data not present");
        ActiveLearningExperiment.Settings s = new ActiveLearningExperiment.Settings();
        s.initial = DOH.resolve("conf/doh_D0.csv");
        s.stream = DOH.resolve("alf_trapcap_flows.csv.gz");
        s.oracleColumn = "is_doh_blacklist";
        s.labelMap = Map.of("1", "True", "0", "False");
        s.strategies = List.of("least-confident");
        s.budget = 100;
        s.rounds = 2;
        s.limit = 2_000;
        s.model = new ModelTraining.Params("rf", 10, 10, 42);
        s.output = dir;
        ActiveLearningExperiment.Result r = new ActiveLearningExperiment(s, KEY).run(KAFKA.cluster().bootstrapServers(), () -> {
            Configuration c = new Configuration();
            c.set(PipelineOptions.GENERIC_TYPES, false);
            return StreamExecutionEnvironment.getExecutionEnvironment(c);
        });

        List<ActiveLearningExperiment.Round> curve = r.curves.get("least-confident");
        assertEquals(3, curve.size(), "round 0 (initial model) and two rounds");
        assertEquals(100, curve.get(1).labelled, "round 1: the budget's worth of labels came back");
        assertEquals(200, curve.get(2).labelled);
        assertEquals(s.budget * 2 + r.initialSize, curve.get(2).storeSize, "D0 + every label in the store");
        assertEquals(1, curve.get(1).servedVersion, "round 1 served the initial model");
        assertEquals(curve.get(1).servingVersion, curve.get(2).servedVersion, "round 2 served what round 1 left serving");

        // on the models topic: v1 and at least one newer signed version, not worse on the held-out set
        String prefix = r.run + "-least-confident";
        List<ModelUpdate> models;
        try (TopicReader<ModelUpdate> t = new TopicReader<>(KAFKA.cluster().bootstrapServers(), prefix + "-models", Codecs.MODEL_UPDATE)) {
            t.drainToEnd(Duration.ofSeconds(30));
            models = t.records();
        }
        ModelUpdate first = models.stream().min(Comparator.comparingLong(ModelUpdate::getVersion)).orElseThrow();
        ModelUpdate newest = models.stream().max(Comparator.comparingLong(ModelUpdate::getVersion)).orElseThrow();
        assertEquals(1, first.getVersion());
        assertTrue(newest.getVersion() > 1, "a new version was published: " + curve.get(1).reason + "; " + curve.get(2).reason);
        double f1First = ModelTraining.macroF1(first, r.heldOut);
        double f1Newest = ModelTraining.macroF1(newest, r.heldOut);
        assertTrue(f1Newest >= f1First, f1Newest + " vs " + f1First);
        assertEquals(newest.getVersion(), curve.get(2).servingVersion);

        // the trainer's state survives a restart: same store, no label taken twice
        Path state = dir.resolve("least-confident/trainer-state");
        LabelledDatasetStore restored = TrainingService.storeIn(state, s.maxSize, s.seed, st -> {
            throw new AssertionError("the persisted store must be loaded, not re-seeded");
        });
        assertEquals(curve.get(2).storeSize, restored.size());
        ActiveTrainer again = new ActiveTrainer(restored, r.heldOut, s.model, "al-least-confident", KEY, 100, Duration.ZERO);
        try (TrainingService service = new TrainingService(KAFKA.cluster().bootstrapServers(), prefix + "-labels", prefix + "-models", again, state)) {
            assertEquals(newest.getVersion(), again.champion().getVersion(), "the champion comes from the models topic");
            assertEquals(0, service.pollFor(1, Duration.ofSeconds(5)), "resumed after the last consumed label");
        }
    }

    /**
     * In a running (unbounded) job the budget window fires as soon as the flows' watermark passes
     * it: the models input has no event time and must not hold the classifier's watermark back.
     */
    @Test
    void inARunningJobEachBudgetWindowFiresWhenTheFlowsWatermarkPassesIt(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("key");
        Files.write(keyFile, KEY);
        Map<String, String> m = new java.util.HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "al-running");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.IDLENESS.key(), "1 s");
        m.put(JobOptions.OUT_OF_ORDERNESS.key(), "1 s");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        m.put(JobOptions.ACTIVE_STRATEGY.key(), "least-confident");
        m.put(JobOptions.ACTIVE_THRESHOLD.key(), "0");
        m.put(JobOptions.ACTIVE_BUDGET.key(), "3");
        m.put(JobOptions.ACTIVE_WINDOW.key(), "1 min");
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "running-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        List<String> topics = new java.util.ArrayList<>();
        conf.toMap().forEach((k, v) -> {
            if (k.startsWith("topics.")) {
                topics.add(v);
            }
        });
        KAFKA.cluster().createTopics(2, topics, java.util.Set.of(conf.get(JobOptions.TOPIC_MODELS)));
        io.flowpulse.ml.classify.PriorModel model = new io.flowpulse.ml.classify.PriorModel(
                new io.flowpulse.ml.classify.FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 10,
                new double[] {0.7, 0.3}, new double[] {0.4, 0.6});
        ModelUpdate update = ModelTraining.signed(model, "size", 1, 1, Map.of(), KEY);
        Configuration envConf = new Configuration();
        envConf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(2);
        org.apache.flink.core.execution.JobClient job = io.flowpulse.jobs.FlowpulseJob.start(env, conf);
        try (io.flowpulse.local.TopicWriter w = new io.flowpulse.local.TopicWriter(KAFKA.cluster().bootstrapServers());
                TopicReader<io.flowpulse.records.AnnotationRequest> requests = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_ANNOTATION_REQUESTS), Codecs.ANNOTATION_REQUEST)) {
            long t0 = 1_763_856_000_000_000L; // a minute boundary, in µs
            for (int i = 0; i < 20; i++) {
                // ten flows in the first minute, then ten two minutes later: they move the watermark past the first window
                long start = t0 + (i < 10 ? i * 1_000_000L : 120_000_000L + i * 1_000_000L);
                io.flowpulse.records.FlowRecord r = io.flowpulse.records.FlowRecord.newBuilder()
                        .setKey(io.flowpulse.records.FlowKey.newBuilder()
                                .setSrcIp(java.nio.ByteBuffer.wrap(new byte[] {10, 0, 0, (byte) i}))
                                .setDstIp(java.nio.ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(1000 + i).setDstPort(53)
                                .setProtocol(17).build())
                        .setStartMicros(start).setEndMicros(start + 100).setFwdPackets(i % 20).setFwdBytes(100L * i)
                        .setBwdPackets(1).setBwdBytes(60).build();
                w.send(conf.get(JobOptions.TOPIC_FLOW_RECORDS), io.flowpulse.functions.FlowKeySelector.canonicalKey(r.getKey()),
                        System.currentTimeMillis(),
                        Codecs.FLOW_RECORD, r);
            }
            w.flush();
            // the model after the flows: they wait in the classifier's buffer and leave it with the model record's
            // timestamp; their requests still count in their own flow's window, not as late
            w.send(conf.get(JobOptions.TOPIC_MODELS), "size", System.currentTimeMillis(), Codecs.MODEL_UPDATE, update);
            w.flush();
            List<io.flowpulse.records.AnnotationRequest> got = requests.pollUntil(l -> l.size() >= 3, Duration.ofSeconds(120));
            assertEquals(3, got.size(), "the first minute's budget, while the job runs");
            assertTrue(got.stream().allMatch(r -> r.getRequestedMillis() < t0 / 1000 + 60_000), "all from the first window");
            assertEquals(org.apache.flink.api.common.JobStatus.RUNNING, job.getJobStatus().get());
        } finally {
            job.cancel().get();
        }
    }
}
