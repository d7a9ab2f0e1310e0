package io.flowpulse.bench;

import io.flowpulse.config.JobOptions;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.jobs.FlowpulseSinks;
import io.flowpulse.jobs.FlowpulseSources;
import io.flowpulse.jobs.FlowpulseTopology;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.LocalFlinkCluster;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.RawRecordDeserializer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The topology benchmark behind {@code ./flowpulse bench}: runs {@link FlowpulseTopology#defineWorkflow}
 * (the real job, only the scenario's input connected) on a local cluster with a bounded input, in
 * two modes:
 *
 * <ul>
 *   <li>{@code kafka}: the embedded broker in and out. The job is started first and waits on its
 *       input topic; the input is then produced, keyed as the project's producers key it (each
 *       record to its key's partition, see {@link BenchInput}); the job's Kafka sources stop at the
 *       produced end offsets. Latency = the output's broker append time
 *       (LogAppendTime topics) minus the producer timestamp of the input that made it due.
 *   <li>{@code chain}: the same operators between a bounded in-memory source of the same encoded
 *       records, partition by partition ({@link PartitionedReplaySource}), and counting sinks;
 *       latency on System.nanoTime from the source's emission to the sink.
 * </ul>
 *
 * Per run it reports records/s in and out (over the span from the first input record to the last
 * output), latency p50/p99, peak heap and RSS, checkpoint count, duration and largest size from the
 * REST API, that size per distinct key, wall and process CPU time, and the load average.
 */
public final class TopologyBenchmark {
    /** Every figure of a result, in print order. */
    public static final List<String> FIGURES = List.of("records_in", "records_out", "records_out_all", "in_per_s",
            "out_per_s", "in_per_cpu_s", "latency_p50_ms", "latency_p99_ms", "peak_heap_mb", "peak_rss_mb",
            "state_bytes_per_key", "checkpoints", "checkpoint_p50_ms", "checkpoint_max_ms", "checkpoint_max_bytes",
            "wall_s", "cpu_s", "load");

    public static final List<String> MODES = List.of("kafka", "chain");

    private static final Map<String, AvroCodec<?>> OUTPUT_CODECS = Map.of("flows", Codecs.FLOW_FEATURES,
            "classifications", Codecs.CLASSIFICATION, "anomalies", Codecs.ANOMALY_SCORE, "port-points", Codecs.PORT_POINT);

    /** What to run. */
    public record Settings(List<BenchScenario> scenarios, List<String> modes, int events, String state, int parallelism,
            Duration checkpointInterval, double ratePerSecond, Path sharedData, Map<String, String> jobOptions,
            int warmupEvents, double steadyFrom) {
        public Settings(List<BenchScenario> scenarios, List<String> modes, int events, String state, int parallelism,
                Duration checkpointInterval, double ratePerSecond, Path sharedData) {
            this(scenarios, modes, events, state, parallelism, checkpointInterval, ratePerSecond, sharedData, Map.of(), 0);
        }

        public Settings(List<BenchScenario> scenarios, List<String> modes, int events, String state, int parallelism,
                Duration checkpointInterval, double ratePerSecond, Path sharedData, Map<String, String> jobOptions,
                int warmupEvents) {
            this(scenarios, modes, events, state, parallelism, checkpointInterval, ratePerSecond, sharedData, jobOptions,
                    warmupEvents, DEFAULT_STEADY_FROM);
        }
    }

    /** The figures of one scenario in one mode, and the count of every output. */
    public record Result(BenchScenario scenario, String mode, String state, int parallelism,
            Map<String, Double> figures, Map<String, Long> outputs, String threadCpu, Steady steady) {
        public Result(BenchScenario scenario, String mode, String state, int parallelism,
                Map<String, Double> figures, Map<String, Long> outputs) {
            this(scenario, mode, state, parallelism, figures, outputs, null, null);
        }
    }

    /**
     * The chain mode's steady state: the same job measured from the moment its source has emitted
     * a share ({@code --steady-from}, {@link #DEFAULT_STEADY_FROM}) of the input (the first part warms the job's code up in the job itself;
     * a separate warm-up job does not: the JIT recompiles most of the hot code for the next job) to
     * its end (end-of-input flush and shutdown included): input records emitted after the mark, wall,
     * process CPU and CPU by thread over that span.
     */
    public record Steady(long records, double wallSeconds, double cpuSeconds, double jitCpuSeconds, String threadCpu) {
        public double perCpuSecond() {
            return records / Math.max(1e-9, cpuSeconds);
        }

        /**
         * Records per CPU-second without the JIT compiler's threads (NaN where they cannot be told
         * apart): what the job costs once its code is compiled. The bench's jobs run seconds, in which
         * the compiler still works through code first run late (checkpoints, timers, end of input);
         * a job running for hours compiles once.
         */
        public double perCpuSecondCompiled() {
            return Double.isNaN(jitCpuSeconds) ? Double.NaN : records / Math.max(1e-9, cpuSeconds - jitCpuSeconds);
        }

        public double perSecond() {
            return records / Math.max(1e-9, wallSeconds);
        }
    }

    /** Share of the chain mode's input emitted before its steady-state measurement starts, by default. */
    public static final double DEFAULT_STEADY_FROM = 0.5;

    private TopologyBenchmark() {}

    public static List<Result> run(Settings s, PrintStream out) throws Exception {
        Path work = Files.createTempDirectory("flowpulse-bench-");
        Path keyFile = work.resolve("model.key");
        Files.write(keyFile, BenchInput.MODEL_KEY);
        Configuration cluster = clusterConf(s, work);
        List<Result> results = new ArrayList<>();
        EmbeddedKafkaCluster kafka = s.modes().contains("kafka") ? EmbeddedKafkaCluster.start() : null;
        try (LocalFlinkCluster flink = LocalFlinkCluster.start(cluster, Math.max(2, s.parallelism()))) {
            out.printf("machine: %d cores, load %.2f; state %s, parallelism %d, checkpoint every %d ms%s%s%n",
                    Runtime.getRuntime().availableProcessors(), ProcessMemory.loadAverage(), s.state(), s.parallelism(),
                    s.checkpointInterval().toMillis(), s.ratePerSecond() > 0 ? String.format(", input rate %,.0f/s", s.ratePerSecond()) : "",
                    s.jobOptions().isEmpty() ? "" : "; job options " + s.jobOptions());
            int seq = 0;
            for (BenchScenario scenario : s.scenarios()) {
                if (s.warmupEvents() > 0) {
                    // the same operators once, unmeasured, on a shorter input: the measured runs start with
                    // JIT-compiled code (a long-running job's steady state), not in the interpreter
                    BenchInput warm = BenchInput.of(scenario, s.warmupEvents(), s.parallelism(), s.sharedData(), s.ratePerSecond());
                    Result w = runChain(warm, s, flink, jobConf(cluster, keyFile, s));
                    out.printf("%nwarm-up: %s chain on %,d records, unmeasured (%.1f s)%n", scenario.label(), s.warmupEvents(),
                            w.figures().get("wall_s"));
                }
                BenchInput in = BenchInput.of(scenario, s.events(), s.parallelism(), s.sharedData(), s.ratePerSecond());
                out.printf("%n== %s: %s; %,d distinct keys%n", scenario.label(), in.description, in.distinctKeys);
                printHeader(out);
                List<Result> ofScenario = new ArrayList<>();
                for (String mode : s.modes()) {
                    Configuration conf = jobConf(cluster, keyFile, s);
                    Result r = mode.equals("kafka")
                            ? runKafka(in, s, flink, kafka, conf, "bench-" + scenario.label() + "-" + (seq++) + "-", out)
                            : runChain(in, s, flink, conf);
                    print(out, r);
                    ofScenario.add(r);
                }
                results.addAll(ofScenario);
                if (scenario == BenchScenario.PACKETS) {
                    printSoftflowdRatio(s.sharedData().resolve("pcap/throughput-merged.pcap.gz"), in.size(),
                            jobConf(cluster, keyFile, s), ofScenario, out);
                }
                if (ofScenario.size() > 1) {
                    String disagreement = disagreement(ofScenario);
                    out.println(disagreement == null
                            ? "same output in both modes: " + counts(ofScenario.get(0).outputs())
                            : "MODES DISAGREE (" + scenario.label() + "): " + disagreement);
                }
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            deleteTree(work);
        }
        return results;
    }

    /**
     * Issue 13: the packets scenario's packets per CPU-second beside softflowd's on the same packets
     * ({@link PeerComparison#softflowdPacketsPerCpuSecond}: the input's packets written as a pcap,
     * softflowd with the job's timeouts, net of its start-up). Ours: the whole process, so in kafka
     * mode broker + producer + job; for the chain mode both its steady state and the whole job.
     * Target: ours within 2x of softflowd's (ratio softflowd / ours <= 2).
     */
    static void printSoftflowdRatio(Path pcapGz, int packets, Configuration jobConf, List<Result> ofScenario, PrintStream out)
            throws Exception {
        PeerComparison.SoftflowdRate softflowd = PeerComparison.softflowdPacketsPerCpuSecond(pcapGz, packets,
                BenchInput.PACKETS_GAP_MICROS, FlowpulseTopology.flowAggregatorParams(jobConf));
        if (Double.isNaN(softflowd.packetsPerCpuSecond())) {
            out.println("softflowd: not installed, no ratio (apt-get install softflowd)");
            return;
        }
        StringBuilder sb = new StringBuilder(String.format("softflowd -r on the same %,d packets (%s repeated as the input, whole"
                + " frames; the job's timeouts): %,.0f packets per CPU-s (%.2f CPU s net of start-up, median of 3; %,d NetFlow"
                + " records, one per direction); softflowd / ours per CPU-s:", packets, pcapGz.getFileName(),
                softflowd.packetsPerCpuSecond(), softflowd.netCpuSeconds(), softflowd.records()));
        for (Result r : ofScenario) {
            if (r.steady() != null) {
                sb.append(String.format(" %s steady state %.1fx (%,.0f),", r.mode(), softflowd.packetsPerCpuSecond()
                        / r.steady().perCpuSecond(), r.steady().perCpuSecond()));
                if (!Double.isNaN(r.steady().perCpuSecondCompiled())) {
                    sb.append(String.format(" %s steady state without the JIT compiler's threads %.1fx (%,.0f),", r.mode(),
                            softflowd.packetsPerCpuSecond() / r.steady().perCpuSecondCompiled(), r.steady().perCpuSecondCompiled()));
                }
            }
            double ours = r.figures().get("in_per_cpu_s");
            sb.append(String.format(" %s whole job %.1fx (%,.0f),", r.mode(), softflowd.packetsPerCpuSecond() / ours, ours));
        }
        sb.setLength(sb.length() - 1);
        out.println(sb.append(" (target <= 2x)"));
    }

    /**
     * The same input must give the same outputs in both modes: for each scenario run in more than
     * one mode, the outputs whose counts differ ("flows kafka 63,094 / chain 51,710"); empty when
     * all agree.
     */
    public static List<String> disagreements(List<Result> results) {
        Map<BenchScenario, List<Result>> byScenario = new LinkedHashMap<>();
        for (Result r : results) {
            byScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
        }
        List<String> out = new ArrayList<>();
        byScenario.forEach((scenario, rs) -> {
            String d = rs.size() > 1 ? disagreement(rs) : null;
            if (d != null) {
                out.add(scenario.label() + ": " + d);
            }
        });
        return out;
    }

    /** The outputs whose counts differ between the runs of one scenario, or null when all agree. */
    static String disagreement(List<Result> ofOneScenario) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        ofOneScenario.forEach(r -> names.addAll(r.outputs().keySet()));
        List<String> differing = new ArrayList<>();
        for (String name : names) {
            List<Long> counts = ofOneScenario.stream().map(r -> r.outputs().getOrDefault(name, 0L)).toList();
            if (counts.stream().distinct().count() > 1) {
                StringBuilder sb = new StringBuilder(name);
                for (int i = 0; i < ofOneScenario.size(); i++) {
                    sb.append(i == 0 ? " " : " / ").append(ofOneScenario.get(i).mode())
                            .append(String.format(java.util.Locale.ROOT, " %,d", counts.get(i)));
                }
                differing.add(sb.toString());
            }
        }
        return differing.isEmpty() ? null : String.join("; ", differing);
    }

    private static String counts(Map<String, Long> outputs) {
        StringBuilder sb = new StringBuilder();
        outputs.entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%s %,d", e.getKey(), e.getValue())));
        return sb.length() == 0 ? "no output" : sb.toString();
    }

    static Configuration clusterConf(Settings s, Path work) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, s.state().equals("rocksdb") ? "rocksdb" : "hashmap");
        c.setString("state.backend.rocksdb.localdir", work.resolve("rocksdb").toString());
        c.setString("taskmanager.memory.managed.size", "512m");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
        c.setString("execution.checkpointing.interval", s.checkpointInterval().toMillis() + " ms");
        c.set(RestOptions.BIND_PORT, "0"); // a free port: other local clusters may run beside
        // the REST API caches checkpoint statistics for web.refresh-interval (3 s) by default
        c.setString("rest.cache.checkpoint-statistics.timeout", "50 ms");
        return c;
    }

    static Configuration jobConf(Configuration cluster, Path keyFile, Settings s) {
        Configuration c = new Configuration(cluster);
        c.set(JobOptions.MODELS_SIGNING_KEY_FILE, keyFile.toString());
        s.jobOptions().forEach(c::setString); // --job-option KEY=VALUE
        return c;
    }

    // ---------------------------------------------------------------- operator chain only

    static Result runChain(BenchInput in, Settings s, LocalFlinkCluster flink, Configuration conf) throws Exception {
        String runId = UUID.randomUUID().toString();
        // issue 13: the packets as the Kafka mode's topic holds them (PacketBatch records), unless --packet-batch 1
        KafkaPacketInput batches = in.batches;
        ReplayedInput.Run run = batches == null
                ? new ReplayedInput.Run(in.values, in.byPartition(), in.scenario.inputTopic)
                : new ReplayedInput.Run(batches.values.toArray(new byte[0][]), batches.byPartition(), in.scenario.inputTopic);
        if (batches != null) {
            run.packetsPerRecord = batches.members.stream().mapToInt(m -> m.length).toArray();
        }
        run.steadyFromPackets = (long) Math.ceil(in.size() * s.steadyFrom());
        ReplayedInput.RUNS.put(runId, run);
        try {
            DueTime due = new DueTime(conf);
            double recordRate = batches == null ? s.ratePerSecond() : s.ratePerSecond() * batches.records() / in.size();
            Source<RawRecord, ?, ?> input = new PartitionedReplaySource(runId, run, recordRate, false);
            Source<RawRecord, ?, ?> models = null;
            if (in.model != null) {
                byte[] model = Codecs.MODEL_UPDATE.encode(in.model);
                models = new DataGeneratorSource<>(i -> new RawRecord("models", 0, 0, 0, model), 1,
                        TypeInformation.of(RawRecord.class));
            }
            List<String> outputs = List.of("flows", "port-points", "anomalies", "alerts", "dead-letters", "classifications",
                    "model-events", "unscored-flows", "annotation-requests");
            FlowpulseSinks sinks = new FlowpulseSinks(new RecordingSink<>(runId, "flows", due),
                    new RecordingSink<>(runId, "port-points", due), new RecordingSink<>(runId, "anomalies", due),
                    new RecordingSink<>(runId, "alerts", due), new RecordingSink<>(runId, "dead-letters", due),
                    new RecordingSink<>(runId, "classifications", due), new RecordingSink<>(runId, "model-events", due),
                    new RecordingSink<>(runId, "unscored-flows", due), new RecordingSink<>(runId, "annotation-requests", due));
            if (in.model != null) {
                run.modelEvents = RecordingSink.times(runId, "model-events");
            }
            StreamExecutionEnvironment env = flink.env(conf);
            env.setParallelism(s.parallelism());
            FlowpulseTopology.defineWorkflow(env, sources(in.scenario, input, models), sinks, conf);

            System.gc(); // the input's building garbage collected before the clock, not during the run
            Measure m = Measure.start();
            run.measure = m;
            JobClient job = env.executeAsync("bench " + in.scenario.label() + " chain");
            CheckpointStats cps = new CheckpointStats(flink.webUrl(), job.getJobID().toHexString());
            awaitFinished(job, cps, m);
            m.stop(in.size());

            Map<String, Long> counts = new LinkedHashMap<>();
            long lastArrival = Long.MIN_VALUE;
            for (String o : outputs) {
                OutputTimes t = RecordingSink.times(runId, o);
                counts.put(o, (long) t.size());
                lastArrival = Math.max(lastArrival, t.lastArrivalMicros());
            }
            return result(in, s, "chain", batches == null ? run.sentMicros : batches.perPacket(run.sentMicros, in.size()),
                    RecordingSink.times(runId, in.scenario.primaryOutput),
                    lastArrival - run.pausedMicros.get(), counts, cps, m);
        } finally {
            ReplayedInput.RUNS.remove(runId);
            RecordingSink.forget(runId);
        }
    }

    // ---------------------------------------------------------------- Kafka in and out

    static Result runKafka(BenchInput in, Settings s, LocalFlinkCluster flink, EmbeddedKafkaCluster kafka,
            Configuration conf, String prefix, PrintStream out) throws Exception {
        int p = s.parallelism();
        Map<String, String> topicNames = new LinkedHashMap<>(); // default name -> this run's name
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                topicNames.put(String.valueOf(o.defaultValue()), prefix + o.defaultValue());
                conf.setString(o.key(), prefix + o.defaultValue());
            }
        }
        conf.set(JobOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(JobOptions.GROUP_ID, prefix + "job");
        String inputTopic = topicNames.get(in.scenario.inputTopic);
        String modelsTopic = topicNames.get("models");
        EmbeddedKafkaCluster.createTopics(kafka.bootstrapServers(), p, topicNames.values(), Set.of(modelsTopic), new Properties());
        List<String> outputTopics = new ArrayList<>();
        for (var e : topicNames.entrySet()) {
            if (!Set.of("packets", "flow-records", "port-samples", "models", "labels").contains(e.getKey())) {
                outputTopics.add(e.getValue());
            }
        }
        logAppendTime(kafka, outputTopics);

        // issue 13: packets as PacketBatch records (--packet-batch 1: one PacketEvent per record)
        KafkaPacketInput batches = in.batches;
        if (batches != null) {
            out.println(batches.describe(in.size()));
        }
        long[] perPartition = batches != null ? batches.perPartition : in.perPartition();
        long[] sentMicros = new long[in.size()];
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        pp.put(ProducerConfig.ACKS_CONFIG, "1");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            Source<RawRecord, ?, ?> models = null;
            if (in.model != null) {
                producer.send(new ProducerRecord<>(modelsTopic, 0, null, in.model.getModelId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Codecs.MODEL_UPDATE.encode(in.model))).get();
                models = boundedSource(conf, modelsTopic, endOffsets(p, 0, 1));
            }
            Source<RawRecord, ?, ?> input = boundedSource(conf, inputTopic, perPartition);
            StreamExecutionEnvironment env = flink.env(conf);
            env.setParallelism(p);
            FlowpulseTopology.defineWorkflow(env, sources(in.scenario, input, models), FlowpulseJob.kafkaSinks(conf), conf);

            System.gc(); // the input's building garbage collected before the clock, not during the run
            Measure m = Measure.start();
            JobClient job = env.executeAsync("bench " + in.scenario.label() + " kafka");
            CheckpointStats cps = new CheckpointStats(flink.webUrl(), job.getJobID().toHexString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!cps.allRunning()) { // produce only once the sources read: latency, not start-up
                if (System.nanoTime() > deadline || job.getJobExecutionResult().isDone()) {
                    throw new IllegalStateException("the bench job did not start: " + job.getJobStatus().get());
                }
                TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait
            }
            AtomicReference<Exception> failed = new AtomicReference<>();
            long t0 = System.nanoTime();
            for (int j = 0; batches != null && j < batches.records(); j++) {
                long wait = t0 + batches.dueNanos.get(j) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait); // the input rate asked for
                }
                final int[] members = batches.members.get(j);
                producer.send(new ProducerRecord<>(inputTopic, batches.partitions.get(j), null, null, batches.values.get(j)), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        for (int idx : members) {
                            sentMicros[idx] = md.timestamp() * 1000; // CreateTime: set at send()
                        }
                    }
                });
            }
            for (int i = 0; batches == null && i < in.size(); i++) {
                if (s.ratePerSecond() > 0) {
                    long due = t0 + (long) (i * 1e9 / s.ratePerSecond());
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // the input rate asked for
                    }
                }
                final int idx = i;
                producer.send(new ProducerRecord<>(inputTopic, in.partitions[i], null, in.keys[i], in.values[i]), (md, e) -> {
                    if (e != null) {
                        failed.compareAndSet(null, e);
                    } else {
                        sentMicros[idx] = md.timestamp() * 1000; // CreateTime: set at send()
                    }
                });
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("input could not be produced", failed.get());
            }
            awaitFinished(job, cps, m);
            m.stop(in.size());

            Map<String, Long> counts = new LinkedHashMap<>();
            OutputTimes primary = new OutputTimes();
            long lastArrival = Long.MIN_VALUE;
            DueTime due = new DueTime(conf);
            for (var e : topicNames.entrySet()) {
                if (!outputTopics.contains(e.getValue())) {
                    continue;
                }
                boolean isPrimary = e.getKey().equals(in.scenario.primaryOutput);
                OutputTimes t = readOutput(kafka, e.getValue(), isPrimary ? OUTPUT_CODECS.get(e.getKey()) : null, due);
                counts.put(e.getKey(), (long) t.size());
                lastArrival = Math.max(lastArrival, t.lastArrivalMicros());
                if (isPrimary) {
                    primary = t;
                }
            }
            return result(in, s, "kafka", sentMicros, primary, lastArrival, counts, cps, m);
        }
    }

    static KafkaSource<RawRecord> boundedSource(Configuration conf, String topic, long[] endOffsets) {
        Map<TopicPartition, Long> stop = new HashMap<>();
        for (int i = 0; i < endOffsets.length; i++) {
            stop.put(new TopicPartition(topic, i), endOffsets[i]);
        }
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(conf.get(JobOptions.BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setGroupId(conf.get(JobOptions.GROUP_ID))
                .setDeserializer(new RawRecordDeserializer())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.offsets(stop)) // exactly the produced records
                .build();
    }

    private static long[] endOffsets(int partitions, int partition, long count) {
        long[] o = new long[partitions];
        o[partition] = count;
        return o;
    }

    private static void logAppendTime(EmbeddedKafkaCluster kafka, Collection<String> topics) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
            for (String t : topics) {
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
                        new ConfigEntry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads a topic to its end: arrival (broker append time) of every record, and due times when decoded. */
    static OutputTimes readOutput(EmbeddedKafkaCluster kafka, String topic, AvroCodec<?> codec, DueTime due) throws Exception {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        OutputTimes t = new OutputTimes();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (var info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, info.partition()));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long dueMillis = DueTime.NOT_MEASURED;
                    if (codec != null) {
                        dueMillis = due.of(codec.decode(r.value()));
                    }
                    t.add(dueMillis, r.timestamp() * 1000);
                }
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- shared

    private static FlowpulseSources sources(BenchScenario s, Source<RawRecord, ?, ?> input, Source<RawRecord, ?, ?> models) {
        return switch (s) {
            case PACKETS -> new FlowpulseSources(input, null, null, null);
            case FLOWS, COLLECTOR -> new FlowpulseSources(null, input, null, models);
            case PORTS -> new FlowpulseSources(null, null, input, null);
        };
    }

    private static void awaitFinished(JobClient job, CheckpointStats cps, Measure m) throws Exception {
        CompletableFuture<?> done = job.getJobExecutionResult();
        for (int round = 0; ; round++) {
            m.sampleThreads(); // task threads end with the job: keep their last CPU time
            if (round % 5 == 0) {
                cps.refresh(); // once a second: the REST calls cost the measured process CPU (the summary is Flink's own)
            }
            try {
                done.get(200, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException stillRunning) {
                // poll the checkpoint statistics again
            }
        }
        // the finished job's final statistics: read until a read succeeds with a completed checkpoint
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(cps.refresh() && cps.completed > 0) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
        }
    }

    /** Wall clock, process CPU and memory peaks around one job. */
    static final class Measure {
        long wall0;
        double cpu0;
        double wallSeconds;
        double cpuSeconds;
        double peakHeapMb;
        double peakRssMb;
        ThreadCpu threads;
        Map<String, Double> cpuByThread;
        /** Set once, by a source thread, when the steady-state span starts ({@link #markSteadyState}). */
        private volatile ThreadCpu steadyThreads;
        private volatile double steadyCpu0;
        private volatile long steadyWall0;
        private volatile long steadyRecordsBefore = -1;
        /** Null unless marked. */
        Steady steady;

        static Measure start() {
            ProcessMemory.resetPeaks();
            Measure m = new Measure();
            m.threads = new ThreadCpu();
            m.cpu0 = ProcessMemory.processCpuSeconds();
            m.wall0 = System.nanoTime();
            return m;
        }

        /** The steady-state span starts now; {@code recordsBefore} input records were emitted before it. */
        void markSteadyState(long recordsBefore) {
            ThreadCpu t = new ThreadCpu();
            steadyCpu0 = ProcessMemory.processCpuSeconds();
            steadyWall0 = System.nanoTime();
            steadyRecordsBefore = recordsBefore;
            steadyThreads = t;
        }

        void sampleThreads() {
            threads.sample();
            ThreadCpu t = steadyThreads;
            if (t != null) {
                t.sample();
            }
        }

        void stop(long records) {
            long now = System.nanoTime();
            double cpu = ProcessMemory.processCpuSeconds();
            wallSeconds = (now - wall0) / 1e9;
            cpuSeconds = cpu - cpu0;
            peakHeapMb = ProcessMemory.peakHeapMb();
            peakRssMb = ProcessMemory.peakRssMb();
            threads.sample();
            cpuByThread = threads.secondsByGroup(cpuSeconds);
            ThreadCpu t = steadyThreads;
            if (t != null) {
                t.sample();
                double steadyCpu = cpu - steadyCpu0;
                Map<String, Double> by = t.secondsByGroup(steadyCpu);
                steady = new Steady(records - steadyRecordsBefore, (now - steadyWall0) / 1e9, steadyCpu,
                        by.getOrDefault(ThreadCpu.JIT, Double.NaN), ThreadCpu.summary(by, steadyCpu, 0.03));
            }
        }
    }

    static Result result(BenchInput in, Settings s, String mode, long[] sentMicros, OutputTimes primary, long lastArrival,
            Map<String, Long> counts, CheckpointStats cps, Measure m) {
        int n = in.size();
        long first = Arrays.stream(sentMicros).min().orElse(0);
        long lastSent = Arrays.stream(sentMicros).max().orElse(0);
        double span = Math.max(1, Math.max(lastArrival, lastSent) - first) / 1e6;
        double[] lat = latenciesMillis(in.eventMillis, sentMicros, primary);
        long all = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("records_in", (double) n);
        f.put("records_out", (double) primary.size());
        f.put("records_out_all", (double) all);
        f.put("in_per_s", n / span);
        f.put("out_per_s", primary.size() / span);
        f.put("in_per_cpu_s", n / m.cpuSeconds);
        f.put("latency_p50_ms", percentile(lat, 0.50));
        f.put("latency_p99_ms", percentile(lat, 0.99));
        f.put("peak_heap_mb", m.peakHeapMb);
        f.put("peak_rss_mb", m.peakRssMb);
        f.put("state_bytes_per_key", cps.stateMaxBytes / Math.max(1, in.distinctKeys));
        f.put("checkpoints", (double) cps.completed);
        f.put("checkpoint_p50_ms", cps.durationP50Millis);
        f.put("checkpoint_max_ms", cps.durationMaxMillis);
        f.put("checkpoint_max_bytes", cps.stateMaxBytes);
        f.put("wall_s", m.wallSeconds);
        f.put("cpu_s", m.cpuSeconds);
        f.put("load", ProcessMemory.loadAverage());
        return new Result(in.scenario, mode, s.state(), s.parallelism(), f, counts,
                ThreadCpu.summary(m.cpuByThread, m.cpuSeconds, 0.03), m.steady);
    }

    /**
     * Latency of each measured output: arrival minus the send time of the first input record (in
     * event-time order) whose event time reaches the output's due time; the last record for
     * outputs due at end of input.
     */
    static double[] latenciesMillis(long[] eventMillis, long[] sentMicros, OutputTimes out) {
        double[] lat = new double[out.size()];
        int k = 0;
        for (int i = 0; i < out.size(); i++) {
            long due = out.due(i);
            if (due == DueTime.NOT_MEASURED) {
                continue;
            }
            int idx = Arrays.binarySearch(eventMillis, due);
            if (idx < 0) {
                idx = -idx - 1;
            } else {
                while (idx > 0 && eventMillis[idx - 1] == due) {
                    idx--;
                }
            }
            idx = Math.min(idx, eventMillis.length - 1);
            lat[k++] = (out.arrivedMicros(i) - sentMicros[idx]) / 1000.0;
        }
        double[] l = Arrays.copyOf(lat, k);
        Arrays.sort(l);
        return l;
    }

    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1; // nearest-rank percentile
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    static void printHeader(PrintStream out) {
        out.printf("%-6s %10s %10s %11s %11s %11s %9s %9s %8s %8s %9s %5s %8s %8s %11s %7s %7s %5s%n", "mode", "in", "out",
                "in/s", "out/s", "in/cpu-s", "p50 ms", "p99 ms", "heap MB", "RSS MB", "B/key", "ckpts", "ckpt p50",
                "ckpt max", "ckpt bytes", "wall s", "cpu s", "load");
    }

    static void print(PrintStream out, Result r) {
        Map<String, Double> f = r.figures();
        out.printf("%-6s %,10.0f %,10.0f %,11.0f %,11.0f %,11.0f %9.1f %9.1f %,8.0f %,8.0f %,9.0f %5.0f %8.0f %8.0f %,11.0f %7.1f %7.1f %5.2f%n",
                r.mode(), f.get("records_in"), f.get("records_out"), f.get("in_per_s"), f.get("out_per_s"),
                f.get("in_per_cpu_s"), f.get("latency_p50_ms"), f.get("latency_p99_ms"), f.get("peak_heap_mb"),
                f.get("peak_rss_mb"), f.get("state_bytes_per_key"), f.get("checkpoints"), f.get("checkpoint_p50_ms"),
                f.get("checkpoint_max_ms"), f.get("checkpoint_max_bytes"), f.get("wall_s"), f.get("cpu_s"), f.get("load"));
        StringBuilder sb = new StringBuilder("       outputs:");
        r.outputs().entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
                .forEach(e -> sb.append(String.format(" %s %,d", e.getKey(), e.getValue())));
        out.println(sb);
        if (r.threadCpu() != null) {
            out.println("       cpu s by thread: " + r.threadCpu());
        }
        Steady st = r.steady();
        if (st != null) {
            out.printf("       steady state (the job from %.0f %% of its input to its end): %,d in, %,.0f in/s, %,.0f in/cpu-s,"
                    + " %.1f wall s, %.1f cpu s; cpu s by thread: %s%n", 100.0 * (r.figures().get("records_in") - st.records())
                    / Math.max(1, r.figures().get("records_in")), st.records(), st.perSecond(),
                    st.perCpuSecond(), st.wallSeconds(), st.cpuSeconds(), st.threadCpu());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory: best effort
        }
    }
}
