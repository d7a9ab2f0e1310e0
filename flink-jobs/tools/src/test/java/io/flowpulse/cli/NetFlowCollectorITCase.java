package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.Classification;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.RecordedExports;
import io.flowpulse.testing.TestClusters;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real exporter datagrams end to end: softflowd's recorded NetFlow v5, v9 and IPFIX (biflow too)
 * exports sent over UDP to {@code ./flowpulse collect}, which writes {@code flow-records} to the
 * embedded broker; the job classifies every record. The classifications and the flows' packets and
 * bytes equal softflowd's own counts. One export arrives with its template datagram late (data
 * before template: buffered by the collector, then decoded), and malformed datagrams from another
 * exporter end up in {@code dead-letters} with their reasons while the rest flows on.
 */
class NetFlowCollectorITCase {
    static final byte[] KEY = "netflow-itcase-signing-key".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void recordedExportsOverUdpBecomeOneClassificationPerExporterRecord(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("model.key");
        Files.write(keyFile, KEY);
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "netflow-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.IDLENESS.key(), "1 s");
        m.put(JobOptions.ACTIVE_STRATEGY.key(), "none");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "netflow-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        KAFKA.cluster().createTopics(2, conf.toMap().entrySet().stream().filter(e -> e.getKey().startsWith("topics."))
                .map(Map.Entry::getValue).toList(), java.util.Set.of(conf.get(JobOptions.TOPIC_MODELS)));

        RecordedExports v9 = RecordedExports.named("wechat.v9");
        RecordedExports biflow = RecordedExports.named("wechat.v10b");
        RecordedExports templateLate = RecordedExports.named("1kxun.v10");
        RecordedExports v5 = RecordedExports.named("synscan.v5");
        long expectedRecords = v9.records() + biflow.records() + templateLate.records() + v5.records();
        long expectedPackets = v9.packets() + biflow.packets() + templateLate.packets() + v5.packets();
        long expectedOctets = v9.octets() + biflow.octets() + templateLate.octets() + v5.octets();

        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> collector = pool.submit(() -> FlowpulseCli.run(new String[] {"collect",
            "--listen", "udp://127.0.0.1:" + port, "--bootstrap-servers", KAFKA.cluster().bootstrapServers(),
            "--topic", conf.get(JobOptions.TOPIC_FLOW_RECORDS), "--dead-letter-topic", conf.get(JobOptions.TOPIC_DEAD_LETTERS),
            "--exit-when-idle", "5s", "--stats-every", "0"}));
        JobClient job = FlowpulseJob.start(env(), conf);
        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers());
                TopicReader<Classification> classifications = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_CLASSIFICATIONS), Codecs.CLASSIFICATION);
                TopicReader<FlowFeatures> flows = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_FLOWS), Codecs.FLOW_FEATURES);
                TopicReader<DeadLetter> dead = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_DEAD_LETTERS), Codecs.DEAD_LETTER)) {
            writer.send(conf.get(JobOptions.TOPIC_MODELS), "size", 1, Codecs.MODEL_UPDATE, model());
            writer.flush();

            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            // exporter 127.0.0.1: v9 and IPFIX biflow (two sessions: one per version)
            RecordedExports.send("127.0.0.1", to, v9.datagrams());
            RecordedExports.send("127.0.0.1", to, biflow.datagrams());
            // exporter 127.0.0.2: IPFIX whose first datagram (templates, options) comes third, then v5
            List<byte[]> late = new ArrayList<>(templateLate.datagrams());
            late.add(2, late.remove(0));
            RecordedExports.send("127.0.0.2", to, late);
            RecordedExports.send("127.0.0.2", to, v5.datagrams());
            // exporter 127.0.0.3: malformed datagrams
            List<byte[]> malformed = RecordedExports.malformed(biflow.datagrams().get(1));
            RecordedExports.send("127.0.0.3", to, malformed);

            List<Classification> got = classifications.pollUntil(l -> l.size() >= expectedRecords, Duration.ofSeconds(120));
            List<FlowFeatures> flowList = flows.pollUntil(l -> l.size() >= expectedRecords, Duration.ofSeconds(60));
            List<DeadLetter> letters = dead.pollUntil(l -> l.size() >= malformed.size(), Duration.ofSeconds(60));
            assertEquals(0, collector.get(60, TimeUnit.SECONDS), "collect exits 0 once idle");
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job keeps running");

            assertEquals(expectedRecords, got.size(), "one classification per exporter record");
            assertEquals(expectedRecords, flowList.size());
            assertEquals(expectedPackets, (long) flowList.stream().mapToDouble(f -> f.getFeatures().get("bidirectional_packets")).sum());
            assertEquals(expectedOctets, (long) flowList.stream().mapToDouble(f -> f.getFeatures().get("bidirectional_bytes")).sum());
            assertEquals(malformed.size(), letters.size());
            for (DeadLetter d : letters) {
                assertTrue(d.getReason().startsWith("undecodable export datagram from 127.0.0.3: "), d.getReason());
                assertEquals("udp://127.0.0.1:" + port, d.getTopic());
            }
        } finally {
            job.cancel().get();
            pool.shutdownNow();
        }
    }

    static ModelUpdate model() {
        PriorModel m = new PriorModel(new FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 10,
                new double[] {0.9, 0.1}, new double[] {0.1, 0.9});
        byte[] payload = m.encode();
        return ModelUpdate.newBuilder().setModelId("size").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1)
                .setCreatedMillis(1).setFormat(m.format()).setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(KEY).sign("size", "FLOW_CLASSIFIER", 1, m.format(), payload)))
                .build();
    }

    static StreamExecutionEnvironment env() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        return env;
    }
}
