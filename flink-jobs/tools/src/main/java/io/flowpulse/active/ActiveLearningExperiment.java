package io.flowpulse.active;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.functions.FlowRecordToFeatures;
import io.flowpulse.jobs.FlowpulseSinks;
import io.flowpulse.jobs.FlowpulseSources;
import io.flowpulse.jobs.FlowpulseTopology;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.active.ActiveTrainer;
import io.flowpulse.ml.active.LabelledDatasetStore;
import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sinks.KafkaSinks;
import io.flowpulse.sources.KafkaSources;
import io.flowpulse.sources.LabelledFlowCsv;
import io.flowpulse.records.RawRecord;
import io.flowpulse.sources.RawRecordDeserializer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The active-learning loop replayed on a labelled flow stream, through the real parts: the stream is
 * split into a fixed held-out set and {@code rounds} chunks; per strategy, round after round, a
 * bounded run of the real topology on the Flink cluster reads the round's chunk from Kafka
 * ({@code flow-records}) and the serving model from its models topic, classifies every flow,
 * scores it with the query strategy and sends the budget's worth (highest first, once per flow) to
 * its annotation-requests topic; the oracle ({@link OracleLabels} through an
 * {@link AnnotationResponder}) answers on its labels topic; the {@link TrainingService} takes the
 * labels into its store, retrains, compares with the serving model on the held-out set and
 * publishes a new signed version only if it is better, which the next round serves. One broker and
 * one cluster serve every strategy and round (topics per strategy).
 */
public final class ActiveLearningExperiment {
    /** What to run. */
    public static final class Settings {
        public Path initial;
        public String initialLabelColumn = "class";
        /** Without an initial file: this many random flows of the stream (after the held-out split) form D0. */
        public int initialSize = 500;
        public Path stream;
        public String oracleColumn;
        public Map<String, String> labelMap = Map.of();
        public List<String> strategies = List.of("random", "least-confident", "margin", "entropy");
        public int budget = 200;
        public int rounds = 10;
        public double heldOutFraction = 0.3;
        public double threshold = 0.0;
        /** Per predicted class and round; 0 = the budget (no cap). */
        public int perClassCap = 0;
        public ModelTraining.Params model = new ModelTraining.Params("rf", 50, 14, 42);
        public int maxSize = 10_000;
        public long seed = 42;
        public long limit = Long.MAX_VALUE;
        public List<String> exclude = List.of();
        public Path output;
        public int parallelism = 2;
    }

    /** One point of a learning curve. */
    public static final class Round {
        public int round;
        public int queried;
        public int labelled;
        public int storeSize;
        public int trainRows;
        public double challengerF1;
        public double servingF1;
        public long servingVersion;
        public long servedVersion;
        public boolean published;
        public double jobSeconds;
        public double annotateSeconds;
        public double trainSeconds;
        public double evaluateSeconds;
        public double roundSeconds;
        public double cpuSeconds;
        public String reason;
    }

    /** Every curve, the reference line and the sizes behind them. */
    public static final class Result {
        public final Map<String, List<Round>> curves = new LinkedHashMap<>();
        public double fullDataF1;
        public int fullDataRows;
        public double fullDataTrainSeconds;
        public int poolSize;
        public int heldOutSize;
        public int initialSize;
        public List<String> features;
        public Map<String, Integer> heldOutClasses;
        public Map<String, Integer> poolClasses;
        /** The fixed held-out set every model was scored on. */
        public LabelledTable heldOut;
        /** Topic prefix of this run: {@code PREFIX-STRATEGY-models}, {@code -labels}, ... */
        public String run;
    }

    private final Settings s;
    private final byte[] signingKey;

    public ActiveLearningExperiment(Settings settings, byte[] signingKey) {
        this.s = settings;
        this.signingKey = signingKey.clone();
    }

    /** Runs every strategy against the broker at {@code bootstrap}, each round's job in an environment from {@code envs}. */
    public Result run(String bootstrap, Supplier<StreamExecutionEnvironment> envs) throws Exception {
        Files.createDirectories(s.output);
        // ---- the labelled stream: flows with their features as the job computes them, one per flow id ----
        List<FlowRecord> flows = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        Map<String, String> byId = new HashMap<>();
        LabelledFlowCsv.read(s.stream, s.oracleColumn, (r, label) -> {
            String id = OracleLabels.flowId(r.getKey(), r.getStartMicros());
            if (flows.size() < s.limit && label != null && !byId.containsKey(id)) {
                String l = s.labelMap.getOrDefault(label, label);
                byId.put(id, l);
                flows.add(r);
                truth.add(l);
            }
        });
        if (flows.isEmpty()) {
            throw new IllegalArgumentException("no labelled flows in " + s.stream + " (column " + s.oracleColumn + ")");
        }
        FlowRecordToFeatures toFeatures = new FlowRecordToFeatures();
        List<Map<String, Double>> features = new ArrayList<>(flows.size());
        Set<String> exporterFeatures = new TreeSet<>();
        Set<String> allFeatures = new TreeSet<>();
        for (FlowRecord r : flows) {
            Map<String, Double> f = toFeatures.map(r).getFeatures();
            features.add(f);
            exporterFeatures.addAll(r.getFeatures().keySet());
            allFeatures.addAll(f.keySet());
        }

        // ---- fixed held-out set (stratified), the pool in a seeded random order, D0 ----
        Map<String, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int i = 0; i < flows.size(); i++) {
            byClass.computeIfAbsent(truth.get(i), k -> new ArrayList<>()).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(s.seed);
        List<Integer> heldOutIdx = new ArrayList<>();
        List<Integer> pool = new ArrayList<>();
        for (List<Integer> idx : byClass.values()) {
            shuffle(idx, rnd);
            int n = (int) Math.round(idx.size() * s.heldOutFraction);
            heldOutIdx.addAll(idx.subList(0, n));
            pool.addAll(idx.subList(n, idx.size()));
        }
        shuffle(pool, rnd);
        LabelledTable initial;
        List<String> names;
        if (s.initial != null) {
            initial = LabelledTable.fromCsv(s.initial, s.initialLabelColumn, null);
            if (!s.exclude.isEmpty()) {
                initial = initial.without(s.exclude);
            }
            names = initial.names;
        } else {
            names = new ArrayList<>(exporterFeatures.isEmpty() ? allFeatures : exporterFeatures);
            names.removeAll(s.exclude);
            List<Integer> d0 = new ArrayList<>(pool.subList(0, Math.min(s.initialSize, pool.size())));
            pool = new ArrayList<>(pool.subList(d0.size(), pool.size()));
            initial = table(names, d0, features, truth);
        }
        for (String n : names) {
            if (!allFeatures.contains(n)) {
                throw new IllegalArgumentException("the initial set's feature '" + n + "' is not computed for the stream flows");
            }
        }
        LabelledTable heldOut = table(names, heldOutIdx, features, truth);
        Result result = new Result();
        result.poolSize = pool.size();
        result.heldOutSize = heldOut.size();
        result.initialSize = initial.size();
        result.features = names;
        result.heldOutClasses = counts(heldOut.labels);
        result.heldOut = heldOut;
        List<String> poolLabels = new ArrayList<>();
        pool.forEach(i -> poolLabels.add(truth.get(i)));
        result.poolClasses = counts(poolLabels);

        // ---- reference: every label of the pool plus D0, unbounded ----
        LabelledTable full = concat(initial, table(names, pool, features, truth));
        long t0 = System.nanoTime();
        result.fullDataF1 = ClassificationMetrics.evaluate(ModelTraining.train(full, s.model), heldOut).macroF1();
        result.fullDataTrainSeconds = (System.nanoTime() - t0) / 1e9;
        result.fullDataRows = full.size();
        say(String.format("%,d labelled flows: held-out %,d %s, pool %,d %s, initial set %,d; %d features; "
                        + "full-data macro F1 %.4f (%,d rows, %.1f s)", flows.size(), heldOut.size(), result.heldOutClasses,
                pool.size(), result.poolClasses, initial.size(), names.size(), result.fullDataF1, full.size(),
                result.fullDataTrainSeconds));

        // ---- the stream chunks on Kafka, once for every strategy ----
        String run = "al-" + UUID.randomUUID().toString().substring(0, 6);
        result.run = run;
        List<String> chunkTopics = new ArrayList<>();
        for (int k = 1; k <= s.rounds; k++) {
            chunkTopics.add(run + "-stream-" + k);
        }
        EmbeddedKafkaCluster.createTopics(bootstrap, s.parallelism, chunkTopics, Set.of(), new Properties());
        try (TopicWriter w = new TopicWriter(bootstrap)) {
            for (int k = 0; k < s.rounds; k++) {
                int from = (int) ((long) pool.size() * k / s.rounds);
                int to = (int) ((long) pool.size() * (k + 1) / s.rounds);
                for (int i = from; i < to; i++) {
                    FlowRecord r = flows.get(pool.get(i));
                    w.send(chunkTopics.get(k), FlowKeySelector.canonicalKey(r.getKey()), System.currentTimeMillis(),
                            Codecs.FLOW_RECORD, r);
                }
            }
            w.flush();
        }
        OracleLabels oracle = new OracleLabels(byId);
        Path keyFile = s.output.resolve(".al-signing.key");
        Files.writeString(keyFile, new String(signingKey, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String strategy : s.strategies) {
                result.curves.put(strategy, runStrategy(bootstrap, envs, run, strategy, chunkTopics, initial, heldOut,
                        new ArrayList<>(exporterFeatures), oracle, keyFile, pool.size() / s.rounds + 1));
            }
        } finally {
            Files.deleteIfExists(keyFile);
        }
        return result;
    }

    private List<Round> runStrategy(String bootstrap, Supplier<StreamExecutionEnvironment> envs, String run, String strategy,
            List<String> chunkTopics, LabelledTable initial, LabelledTable heldOut, List<String> exporterFeatures,
            OracleLabels oracle, Path keyFile, int chunkSize) throws Exception {
        String p = run + "-" + strategy;
        String models = p + "-models";
        String requests = p + "-annotation-requests";
        String labels = p + "-labels";
        String events = p + "-model-events";
        String dead = p + "-dead-letters";
        EmbeddedKafkaCluster.createTopics(bootstrap, 1, List.of(models, events, dead), Set.of(models), new Properties());
        EmbeddedKafkaCluster.createTopics(bootstrap, s.parallelism, List.of(requests, labels), Set.of(), new Properties());
        Path stateDir = s.output.resolve(strategy).resolve("trainer-state");
        deleteTree(stateDir);
        LabelledDatasetStore store = TrainingService.storeIn(stateDir, s.maxSize, s.seed, st -> st.seed(initial, "initial"));
        ActiveTrainer trainer = new ActiveTrainer(store, heldOut, s.model, "al-" + strategy, signingKey, Math.max(1, s.budget),
                Duration.ZERO);
        List<Round> curve = new ArrayList<>();
        try (TrainingService service = new TrainingService(bootstrap, labels, models, trainer, stateDir);
                AnnotationResponder responder = new AnnotationResponder(bootstrap, requests, labels, oracle)) {
            long c0 = cpuNanos();
            long w0 = System.nanoTime();
            ActiveTrainer.Outcome first = service.retrainNow(System.currentTimeMillis());
            Round r0 = new Round();
            r0.storeSize = store.size();
            r0.trainRows = first.trainRows;
            r0.challengerF1 = first.challengerF1;
            r0.servingF1 = first.challengerF1;
            r0.servingVersion = first.published.getVersion();
            r0.published = true;
            r0.trainSeconds = first.trainSeconds;
            r0.evaluateSeconds = first.evaluateSeconds;
            r0.roundSeconds = (System.nanoTime() - w0) / 1e9;
            r0.cpuSeconds = (cpuNanos() - c0) / 1e9;
            r0.reason = first.reason;
            curve.add(r0);
            say(String.format("%s round 0: initial model on %,d labelled flows, macro F1 %.4f", strategy, r0.trainRows, r0.challengerF1));
            int queried = 0;
            int labelled = 0;
            for (int k = 1; k <= chunkTopics.size(); k++) {
                Round r = new Round();
                r.round = k;
                c0 = cpuNanos();
                w0 = System.nanoTime();
                runRound(envs, strategy, chunkTopics.get(k - 1), models, requests, events, dead, keyFile, exporterFeatures,
                        chunkSize, bootstrap, p + "-" + k);
                r.jobSeconds = (System.nanoTime() - w0) / 1e9;
                long w1 = System.nanoTime();
                long servedBefore = responder.answered() + responder.unanswered();
                int answered = responder.answerAvailable(Duration.ofSeconds(60));
                r.annotateSeconds = (System.nanoTime() - w1) / 1e9;
                queried += (int) (responder.answered() + responder.unanswered() - servedBefore);
                int got = service.pollFor(answered, Duration.ofSeconds(60));
                labelled += got;
                ActiveTrainer.Outcome o = service.retrainNow(System.currentTimeMillis());
                r.queried = queried;
                r.labelled = labelled;
                r.storeSize = store.size();
                r.trainRows = o.trainRows;
                r.challengerF1 = o.challengerF1;
                r.published = o.published != null;
                r.servingF1 = r.published ? o.challengerF1 : o.championF1;
                r.servingVersion = trainer.champion().getVersion();
                r.servedVersion = responder.lastVersions().isEmpty() ? 0 : java.util.Collections.max(responder.lastVersions());
                if (responder.lastVersions().size() > 1) {
                    say(strategy + " round " + k + ": requests scored by several versions " + responder.lastVersions());
                }
                r.trainSeconds = o.trainSeconds;
                r.evaluateSeconds = o.evaluateSeconds;
                r.roundSeconds = (System.nanoTime() - w0) / 1e9;
                r.cpuSeconds = (cpuNanos() - c0) / 1e9;
                r.reason = o.reason;
                curve.add(r);
                say(String.format("%s round %d: %d requests, %d labels back, store %,d; challenger macro F1 %.4f, serving v%d %.4f "
                                + "(%s); job %.1f s, annotate %.1f s, train %.1f s, evaluate %.2f s", strategy, k, answered, got,
                        r.storeSize, r.challengerF1, r.servingVersion, r.servingF1, o.reason, r.jobSeconds, r.annotateSeconds,
                        r.trainSeconds, r.evaluateSeconds));
            }
        }
        return curve;
    }

    /** One bounded run of the real topology over a round's chunk, serving the newest model on the models topic. */
    private void runRound(Supplier<StreamExecutionEnvironment> envs, String strategy, String chunkTopic, String models,
            String requests, String events, String dead, Path keyFile, List<String> exporterFeatures, int chunkSize,
            String bootstrap, String group) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        m.put(JobOptions.GROUP_ID.key(), group);
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.BOUNDED.key(), "true");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        m.put(JobOptions.TOPIC_FLOW_RECORDS.key(), chunkTopic);
        m.put(JobOptions.TOPIC_MODELS.key(), models);
        m.put(JobOptions.TOPIC_ANNOTATION_REQUESTS.key(), requests);
        m.put(JobOptions.TOPIC_MODEL_EVENTS.key(), events);
        m.put(JobOptions.TOPIC_DEAD_LETTERS.key(), dead);
        m.put(JobOptions.ACTIVE_STRATEGY.key(), strategy);
        m.put(JobOptions.ACTIVE_THRESHOLD.key(), String.valueOf(s.threshold));
        m.put(JobOptions.ACTIVE_BUDGET.key(), String.valueOf(s.budget));
        m.put(JobOptions.ACTIVE_PER_CLASS_CAP.key(), String.valueOf(s.perClassCap > 0 ? s.perClassCap : Math.max(1, s.budget)));
        // one budget window per round: every flow of the replay lies in one epoch-aligned window of ten years
        m.put(JobOptions.ACTIVE_WINDOW.key(), "3650 d");
        m.put(JobOptions.MODELS_BUFFER_CAPACITY.key(), String.valueOf(Math.max(10_000, chunkSize)));
        if (!exporterFeatures.isEmpty()) {
            m.put(JobOptions.MODELS_EXPORTER_FEATURES.key(), String.join(";", exporterFeatures));
        }
        Configuration conf = Configuration.fromMap(m);
        StreamExecutionEnvironment env = envs.get();
        env.setParallelism(s.parallelism);
        FlowpulseSources sources = new FlowpulseSources(null, KafkaSources.raw(conf, JobOptions.TOPIC_FLOW_RECORDS), null,
                newestModelSource(bootstrap, models, group));
        FlowpulseSinks sinks = new FlowpulseSinks(null, null, null, null,
                KafkaSinks.avro(conf, JobOptions.TOPIC_DEAD_LETTERS, Codecs.DEAD_LETTER, d -> d.getTopic()),
                null,
                KafkaSinks.avro(conf, JobOptions.TOPIC_MODEL_EVENTS, Codecs.MODEL_EVENT, e -> e.getModelId()),
                null,
                KafkaSinks.avro(conf, JobOptions.TOPIC_ANNOTATION_REQUESTS, Codecs.ANNOTATION_REQUEST, r -> r.getRequestId()));
        FlowpulseTopology.defineWorkflow(env, sources, sinks, conf);
        env.execute("flowpulse al-experiment " + group);
    }

    /**
     * The models topic from its newest record on (what a compacted topic holds for one model id):
     * a bounded run then serves the current champion from its first flow rather than replaying
     * every older version past some of the flows.
     */
    static KafkaSource<RawRecord> newestModelSource(String bootstrap, String topic, String group) {
        Map<TopicPartition, Long> start = new HashMap<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            c.endOffsets(parts, Duration.ofSeconds(30)).forEach((tp, end) -> start.put(tp, Math.max(0, end - 1)));
        }
        return KafkaSource.<RawRecord>builder().setBootstrapServers(bootstrap).setTopics(topic).setGroupId(group + "-models")
                .setDeserializer(new RawRecordDeserializer()).setStartingOffsets(OffsetsInitializer.offsets(start))
                .setBounded(OffsetsInitializer.latest()).build();
    }

    static LabelledTable table(List<String> names, List<Integer> idx, List<Map<String, Double>> features, List<String> truth) {
        List<double[]> rows = new ArrayList<>(idx.size());
        List<String> labels = new ArrayList<>(idx.size());
        for (int i : idx) {
            double[] x = new double[names.size()];
            for (int j = 0; j < x.length; j++) {
                Double v = features.get(i).get(names.get(j));
                x[j] = v == null ? Double.NaN : v;
            }
            rows.add(x);
            labels.add(truth.get(i));
        }
        return new LabelledTable(names, rows, labels);
    }

    static LabelledTable concat(LabelledTable a, LabelledTable b) {
        List<double[]> rows = new ArrayList<>(a.rows);
        rows.addAll(b.rows);
        List<String> labels = new ArrayList<>(a.labels);
        labels.addAll(b.labels);
        return new LabelledTable(a.names, rows, labels);
    }

    private static Map<String, Integer> counts(List<String> labels) {
        Map<String, Integer> m = new java.util.TreeMap<>();
        labels.forEach(l -> m.merge(l, 1, Integer::sum));
        return m;
    }

    private static void shuffle(List<Integer> l, SplittableRandom rnd) {
        for (int i = l.size() - 1; i > 0; i--) {
            Collections.swap(l, i, rnd.nextInt(i + 1));
        }
    }

    static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0L;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path q : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(q);
                }
            }
        }
    }

    private static void say(String line) {
        System.out.println("al-experiment: " + line);
    }
}
