package io.flowpulse.cli;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.LocalFlinkCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.Severity;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sim.SimulatorParams;
import io.flowpulse.sim.TrafficSimulator;
import io.flowpulse.sinks.RecordCsvWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./flowpulse demo}: starts the embedded broker (or uses --bootstrap-servers) and a local
 * Flink cluster with its web UI, creates the topics, publishes simulated traffic, runs the
 * streaming job over it and prints a live summary until everything published is processed.
 */
@Command(name = "demo", description = "run the whole job on an embedded broker + local cluster with simulated traffic, show results")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "3m", description = "simulated packet traffic to generate (default ${DEFAULT-VALUE}; e.g. 90s, 10m)")
    Duration duration;

    @Option(names = "--port-days", paramLabel = "N", defaultValue = "14", description = "days of simulated port counters (default ${DEFAULT-VALUE})")
    int portDays;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "simulator seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--flows-per-second", paramLabel = "F", defaultValue = "40", description = "simulated new flows per second (default ${DEFAULT-VALUE})")
    double flowsPerSecond;

    @Option(names = "--pcap", paramLabel = "FILE", description = "use a capture instead of simulated packets")
    Path pcap;

    @Mixin
    KafkaOptions kafkaOptions;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "demo-output", description = "where the result files go (default ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "job parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--state", paramLabel = "heap|rocksdb", defaultValue = "heap", description = "state backend of the local cluster (default ${DEFAULT-VALUE})")
    StateBackendChoice stateChoice;

    @Option(names = "--bad-records", paramLabel = "N", defaultValue = "3", description = "malformed records to publish, to show the dead-letter path (default ${DEFAULT-VALUE})")
    int badRecords;

    @Option(names = "--keep-running", description = "keep broker and web UI up after the run until Ctrl-C; also starts the web console")
    boolean keepRunning;

    @Option(names = "--console-port", paramLabel = "N", defaultValue = "8080",
            description = "port of the web console with --keep-running (default ${DEFAULT-VALUE}; 0 = any free port)")
    int consolePort;

    @Override
    public Integer call() throws Exception {
        if (pcap != null) {
            InputFiles.capture(pcap, "--pcap");
        }
        if (parallelism < 1 || portDays < 1 || flowsPerSecond <= 0 || duration.isNegative() || duration.isZero()) {
            throw UserError.usage("--parallelism, --port-days, --flows-per-second and --duration must be positive");
        }
        String state = stateChoice.name();
        long started = System.nanoTime();

        EmbeddedKafkaCluster kafka = null;
        io.flowpulse.console.ConsoleServer console = null;
        String bootstrap = kafkaOptions.orNull();
        try {
            if (bootstrap == null) {
                say("starting embedded Kafka broker (KRaft, 127.0.0.1) ...");
                kafka = EmbeddedKafkaCluster.start();
                bootstrap = kafka.bootstrapServers();
            }
            say("Kafka bootstrap servers: " + bootstrap);

            Map<String, String> jobMap = new LinkedHashMap<>();
            jobMap.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
            jobMap.put(JobOptions.GROUP_ID.key(), "flowpulse-demo-" + System.currentTimeMillis());
            jobMap.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
            jobMap.put(JobOptions.BOUNDED.key(), "true");
            // idleness is wall-clock: keep it well above how long a backlogged partition may wait for its fetch
            jobMap.put(JobOptions.IDLENESS.key(), "30 s");
            // the demo's model signing key (a real deployment mounts a secret file)
            Path keyFile = java.nio.file.Files.createTempFile("flowpulse-demo-model", ".key");
            keyFile.toFile().deleteOnExit();
            java.nio.file.Files.write(keyFile, DEMO_MODEL_KEY);
            jobMap.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
            Configuration jobConf = Configuration.fromMap(jobMap);

            List<String> topics = new ArrayList<>();
            for (var o : JobOptions.all()) {
                if (o.key().startsWith("topics.")) {
                    @SuppressWarnings("unchecked")
                    var topicOption = (org.apache.flink.configuration.ConfigOption<String>) o;
                    topics.add(jobConf.get(topicOption));
                }
            }
            EmbeddedKafkaCluster.createTopics(bootstrap, 2, topics, Set.of(jobConf.get(JobOptions.TOPIC_MODELS)), new Properties());
            say("topics: " + String.join(", ", topics));
            if (keepRunning) { // the web console (issue 15): live during the run, up until Ctrl-C
                console = ConsoleCommand.startForDemo(bootstrap, consolePort);
            }

            Map<String, Long> published = publish(bootstrap, jobConf, duration);

            Configuration flinkConf = new Configuration();
            flinkConf.set(StateBackendOptions.STATE_BACKEND, state.equals("rocksdb") ? "rocksdb" : "hashmap");
            flinkConf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(5));
            flinkConf.setString("parallelism.default", Integer.toString(parallelism));
            try (LocalFlinkCluster flink = LocalFlinkCluster.start(flinkConf, Math.max(2, parallelism))) {
                say("Flink web UI: " + flink.webUrl() + "   (state backend: " + state + ")");
                StreamExecutionEnvironment env = flink.env(new Configuration());
                env.setParallelism(parallelism);
                JobClient job = FlowpulseJob.start(env, jobConf);
                say("job submitted: " + job.getJobID());
                LiveSummary summary = new LiveSummary(bootstrap, jobConf, published);
                summary.injected = injected;
                summary.followUntilDone(job);
                summary.writeFiles(output);
                summary.printFinal(output, flink.webUrl(), jobConf, (System.nanoTime() - started) / 1e9);
                if (keepRunning) {
                    say("keeping broker and web UI up; Ctrl-C to stop");
                    Thread.currentThread().join();
                }
                summary.close();
            }
            return 0;
        } finally {
            if (console != null) {
                console.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    private Map<String, Long> publish(String bootstrap, Configuration jobConf, Duration duration) throws Exception {
        Map<String, Long> published = new LinkedHashMap<>();
        String packetsTopic = jobConf.get(JobOptions.TOPIC_PACKETS);
        String portTopic = jobConf.get(JobOptions.TOPIC_PORT_SAMPLES);
        try (TopicWriter writer = new TopicWriter(bootstrap)) {
            SimulatorParams params = new SimulatorParams()
                    .withSeed(seed)
                    .withPacketDuration(duration)
                    .withFlowsPerSecond(flowsPerSecond)
                    .withPortDuration(Duration.ofDays(portDays));
            TrafficSimulator sim = new TrafficSimulator(params);
            injected = sim.injectedAnomalies();
            long[] n = new long[2];
            // packets as PacketBatch records, per partition of their flow keys (PacketBatcher)
            PacketBatcher batcher = new PacketBatcher(writer.partitions(packetsTopic), PacketBatcher.DEFAULT_BATCH_SIZE,
                    PacketBatcher.DEFAULT_LINGER, (partition, key, value, tags, count) -> writer.sendRaw(packetsTopic, partition, key, value));
            if (pcap != null) {
                say("reading packets from " + pcap + " ...");
                io.flowpulse.sources.pcap.DecodeStats stats = new io.flowpulse.sources.pcap.DecodeStats();
                io.flowpulse.sources.pcap.PacketDecoder decoder =
                        new io.flowpulse.sources.pcap.PacketDecoder(stats, pcap.getFileName().toString());
                try (io.flowpulse.sources.pcap.PcapReader reader = io.flowpulse.sources.pcap.PcapReader.open(pcap)) {
                    for (io.flowpulse.sources.pcap.PcapFrame f = reader.next(); f != null; f = reader.next()) {
                        io.flowpulse.records.FlowPacket p = decoder.decodePacket(f);
                        if (p != null) {
                            batcher.add(p);
                            n[0]++;
                        }
                    }
                }
                say("capture: " + n[0] + " IP packets, skipped " + stats.skipped);
            } else {
                say("simulating " + duration + " of packets (seed " + params.seed + ") ...");
                sim.generatePackets(p -> {
                    batcher.add(io.flowpulse.records.FlowPacket.from(p));
                    n[0]++;
                });
            }
            batcher.flush();
            say("simulating " + params.portDuration.toDays() + " days of port counters ...");
            sim.generatePortSamples(s -> {
                writer.send(portTopic, s.getDevice() + "|" + s.getPort() + "|" + s.getDirection(),
                        s.getTimestampMillis(), Codecs.PORT_SAMPLE, s);
                n[1]++;
            });
            io.flowpulse.records.ModelUpdate model = demoModel();
            writer.send(jobConf.get(JobOptions.TOPIC_MODELS), model.getModelId(), model.getCreatedMillis(), Codecs.MODEL_UPDATE, model);
            published.put(jobConf.get(JobOptions.TOPIC_MODELS), 1L);
            int bad = badRecords;
            for (int i = 0; i < bad; i++) {
                writer.sendRaw(packetsTopic, "bad-" + i, Instant.now().toEpochMilli(),
                        ("malformed record #" + i + " (demo)").getBytes());
            }
            writer.flush();
            published.put(packetsTopic, n[0] + bad);
            published.put(portTopic, n[1]);
            say(String.format("published %,d packets (+%d malformed) and %,d port samples", n[0], bad, n[1]));
        }
        return published;
    }

    /** The simulator's injected port anomalies (ground truth of the demo's table). */
    private List<io.flowpulse.sim.InjectedAnomaly> injected = List.of();

    static final byte[] DEMO_MODEL_KEY = "flowpulse-demo-model-signing-key".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /** The demo's starting classifier: a signed baseline stump (short vs long flows). */
    static io.flowpulse.records.ModelUpdate demoModel() {
        io.flowpulse.ml.classify.PriorModel m = new io.flowpulse.ml.classify.PriorModel(
                new io.flowpulse.ml.classify.FeatureSchema(List.of("bidirectional_packets"), 1),
                List.of("short", "long"), 0, 8.0, new double[] {0.8, 0.2}, new double[] {0.25, 0.75});
        byte[] payload = m.encode();
        long version = 1;
        return io.flowpulse.records.ModelUpdate.newBuilder()
                .setModelId("flow-size-baseline").setKind(io.flowpulse.records.ModelKind.FLOW_CLASSIFIER)
                .setVersion(version).setCreatedMillis(System.currentTimeMillis())
                .setMetrics(Map.of()).setFormat(m.format()).setPayload(java.nio.ByteBuffer.wrap(payload))
                .setSignature(java.nio.ByteBuffer.wrap(new io.flowpulse.ml.classify.ModelSigner(DEMO_MODEL_KEY)
                        .sign("flow-size-baseline", "FLOW_CLASSIFIER", version, m.format(), payload)))
                .build();
    }

    static void say(String s) {
        Progress.say(s);
    }

    /** Follows the output topics while the job runs; prints a progress line and alerts as they open. */
    static final class LiveSummary implements AutoCloseable {
        final TopicReader<FlowFeatures> flows;
        final TopicReader<PortPoint> points;
        final TopicReader<AnomalyScore> anomalies;
        final TopicReader<Alert> alerts;
        final TopicReader<DeadLetter> deadLetters;
        final TopicReader<io.flowpulse.records.Classification> classifications;
        final TopicReader<io.flowpulse.records.ModelEvent> modelEvents;
        final TopicReader<io.flowpulse.records.AnnotationRequest> annotationRequests;
        final Map<String, Long> published;
        final Configuration jobConf;
        final boolean tty = System.console() != null;
        static final int MAX_ALERT_LINES = 25;
        int alertLines;
        int charts;
        List<io.flowpulse.sim.InjectedAnomaly> injected = List.of();

        LiveSummary(String bootstrap, Configuration jobConf, Map<String, Long> published) {
            this.jobConf = jobConf;
            this.published = published;
            flows = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_FLOWS), Codecs.FLOW_FEATURES);
            points = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_PORT_POINTS), Codecs.PORT_POINT);
            anomalies = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_ANOMALIES), Codecs.ANOMALY_SCORE);
            alerts = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_ALERTS), Codecs.ALERT);
            deadLetters = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_DEAD_LETTERS), Codecs.DEAD_LETTER);
            classifications = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_CLASSIFICATIONS), Codecs.CLASSIFICATION);
            modelEvents = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_MODEL_EVENTS), Codecs.MODEL_EVENT);
            annotationRequests = new TopicReader<>(bootstrap, jobConf.get(JobOptions.TOPIC_ANNOTATION_REQUESTS), Codecs.ANNOTATION_REQUEST);
        }

        void followUntilDone(JobClient job) throws Exception {
            long start = System.nanoTime();
            long lastLine = 0;
            boolean done = false;
            long drainUntil = Long.MAX_VALUE;
            while (System.nanoTime() < drainUntil) {
                pollAll();
                long now = System.nanoTime();
                if (!done && job.getJobStatus().get().isGloballyTerminalState()) {
                    done = true;
                    drainUntil = now + Duration.ofSeconds(3).toNanos();
                    job.getJobExecutionResult().get(); // rethrows a job failure
                }
                if (now - lastLine > (tty ? 500_000_000L : 5_000_000_000L)) {
                    String line = progressLine((now - start) / 1e9, done ? "finished" : job.getJobStatus().get().toString());
                    System.out.print(tty ? "\r" + line : line + "\n");
                    System.out.flush();
                    lastLine = now;
                }
            }
            for (TopicReader<?> r : List.of(flows, points, anomalies, alerts, deadLetters, classifications, modelEvents,
                    annotationRequests)) {
                if (!r.drainToEnd(Duration.ofSeconds(30))) {
                    say("warning: could not read an output topic to its end within 30 s");
                }
            }
            if (tty) {
                System.out.println();
            }
        }

        private void pollAll() {
            flows.poll(Duration.ofMillis(50));
            points.poll(Duration.ofMillis(20));
            anomalies.poll(Duration.ofMillis(20));
            deadLetters.poll(Duration.ofMillis(20));
            classifications.poll(Duration.ofMillis(20));
            annotationRequests.poll(Duration.ofMillis(20));
            for (io.flowpulse.records.ModelEvent e : modelEvents.poll(Duration.ofMillis(20))) {
                System.out.println((tty ? "\r" : "") + "flowpulse | MODEL " + e.getOutcome() + " " + e.getModelId()
                        + " v" + e.getVersion() + ": " + e.getReason());
            }
            for (Alert al : alerts.poll(Duration.ofMillis(20))) {
                if (al.getState() == io.flowpulse.records.AlertState.CLEARED) {
                    continue; // printed: alerts as they open and escalate; clears are in alerts.csv
                }
                if (++alertLines > MAX_ALERT_LINES) {
                    if (alertLines == MAX_ALERT_LINES + 1) {
                        System.out.println((tty ? "\r" : "") + "flowpulse | ... more alerts: see alerts.csv and the charts at the end");
                    }
                    continue;
                }
                boolean noData = al.getModelId() != null
                        && io.flowpulse.functions.PortSeriesResampler.NO_DATA_MODEL_ID.equals(al.getModelId().toString());
                String line = noData ? String.format("NO DATA   %s|%s|%s silent since %s", al.getDevice(), al.getPort(),
                        al.getDirection(), Instant.ofEpochMilli(al.getFirstBucketMillis()))
                        : String.format("ALERT %-9s %-8s %s|%s|%s buckets %s..%s count %d peak score %.1f (id %s)",
                        al.getState(), al.getSeverity(), al.getDevice(), al.getPort(), al.getDirection(),
                        Instant.ofEpochMilli(al.getFirstBucketMillis()), Instant.ofEpochMilli(al.getLastBucketMillis()),
                        al.getCount(), al.getPeakScore(), al.getAlertId());
                System.out.println((tty ? "\r" : "") + "flowpulse | " + line);
            }
        }

        String progressLine(double secs, String status) {
            long in = published.values().stream().mapToLong(Long::longValue).sum();
            return String.format("flowpulse | [%5.1fs %s] in: %,d records | out: flows %,d  classifications %,d  port-points %,d  anomalies %,d (%d flagged)  alerts %,d  dead-letters %,d",
                    secs, status, in, flows.records().size(), classifications.records().size(), points.records().size(), anomalies.records().size(),
                    anomalies.records().stream().filter(AnomalyScore::getAnomalous).count(),
                    alerts.records().size(), deadLetters.records().size());
        }

        void writeFiles(Path dir) throws Exception {
            RecordCsvWriter.write(dir.resolve("flows.csv"), flows.records());
            RecordCsvWriter.write(dir.resolve("port-points.csv"), points.records());
            RecordCsvWriter.write(dir.resolve("anomalies.csv"), anomalies.records());
            RecordCsvWriter.write(dir.resolve("alerts.csv"), alerts.records());
            RecordCsvWriter.write(dir.resolve("dead-letters.csv"), deadLetters.records());
            RecordCsvWriter.write(dir.resolve("classifications.csv"), classifications.records());
            RecordCsvWriter.write(dir.resolve("model-events.csv"), modelEvents.records());
            RecordCsvWriter.write(dir.resolve("annotation-requests.csv"), annotationRequests.records());
            // one chart per port series that had an alert or an injected anomaly (marked on the chart)
            Map<String, List<long[]>> truth = DemoGroundTruth.intervalsByKey(injected);
            java.util.Set<String> alerted = new java.util.TreeSet<>(truth.keySet());
            for (Alert al : alerts.records()) {
                alerted.add(al.getDevice() + "|" + al.getPort() + "|" + al.getDirection());
            }
            Map<String, ScoredSeries.Series> series = ScoredSeries.read(dir.resolve("anomalies.csv"));
            int charts = 0;
            for (String key : alerted) {
                ScoredSeries.Series s = series.get(key);
                if (s != null) {
                    s.write(dir.resolve("charts").resolve(key.replaceAll("[^A-Za-z0-9._-]", "_") + ".png"),
                            key + " (" + Severity.CRITICAL + " after " + jobConf.get(JobOptions.ALERTS_ESCALATE_AFTER) + " in a row)",
                            jobConf.get(JobOptions.ALERTS_ESCALATE_AFTER), 1400, 500, "bytes per 30-min bucket",
                            truth.getOrDefault(key, List.of()));
                    charts++;
                }
            }
            this.charts = charts;
        }

        void printFinal(Path dir, String webUrl, Configuration conf, double seconds) {
            System.out.println();
            say(String.format("done in %.1f s", seconds));
            say("records in, per topic:");
            published.forEach((t, n) -> say(String.format("  %-16s %,d", t, n)));
            say("records out, per topic:");
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_FLOWS), flows.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_CLASSIFICATIONS), classifications.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_MODEL_EVENTS), modelEvents.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_ANNOTATION_REQUESTS), annotationRequests.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_PORT_POINTS), points.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_ANOMALIES), anomalies.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_ALERTS), alerts.records().size()));
            say(String.format("  %-16s %,d", conf.get(JobOptions.TOPIC_DEAD_LETTERS), deadLetters.records().size()));
            if (!flows.records().isEmpty()) {
                FlowFeatures f = flows.records().get(0);
                say("example flow: " + FlowKeySelector.canonicalKey(f.getKey()) + " " + f.getTermination()
                        + " packets=" + f.getFeatures().get("bidirectional_packets")
                        + " bytes=" + f.getFeatures().get("bidirectional_bytes")
                        + " (" + f.getFeatures().size() + " features)");
            }
            if (!deadLetters.records().isEmpty()) {
                say("example dead letter: " + deadLetters.records().get(0).getReason());
            }
            if (!injected.isEmpty()) {
                DemoGroundTruth.print(DemoGroundTruth.compare(injected, alerts.records(), anomalies.records(),
                        points.records()), System.out, "flowpulse | ");
            }
            say("where to look:");
            say("  result files:  " + dir.toAbsolutePath() + "/{flows,classifications,model-events,annotation-requests,port-points,anomalies,alerts,dead-letters}.csv");
            say("  charts:        " + dir.toAbsolutePath() + "/charts/ (" + charts + " port series with an alert or an injected anomaly, marked)");
            say("  Flink web UI:  " + webUrl + " (up while the demo runs; --keep-running keeps it)");
            say("  job log:       " + System.getProperty("flowpulse.log.file", System.getProperty("java.io.tmpdir") + "/flowpulse.log"));
        }

        @Override
        public void close() {
            flows.close();
            points.close();
            anomalies.close();
            alerts.close();
            deadLetters.close();
            classifications.close();
            modelEvents.close();
            annotationRequests.close();
        }
    }
}
