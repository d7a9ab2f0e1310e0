package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelOutcome;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models as a stream, end to end on a MiniCluster (parallelism 2) with the real broker: v1 serves,
 * v2 published mid-stream takes over with no flow lost, a corrupted and an unsigned update are
 * rejected (model-events says why) and v2 keeps serving.
 */
class ModelRolloutITCase {
    static final byte[] KEY = "integration-test-signing-key-42".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static ModelUpdate model(long version, double pSmall, byte[] key) {
        PriorModel m = new PriorModel(new FeatureSchema(List.of("bidirectional_packets"), 1), List.of("small", "large"), 0, 10,
                new double[] {pSmall, 1 - pSmall}, new double[] {1 - pSmall, pSmall});
        return signed(version, m.format(), m.encode(), key);
    }

    static ModelUpdate signed(long version, String format, byte[] payload, byte[] key) {
        return ModelUpdate.newBuilder().setModelId("size").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(version)
                .setCreatedMillis(version).setFormat(format).setPayload(ByteBuffer.wrap(payload))
                .setSignature(key == null ? null : ByteBuffer.wrap(new ModelSigner(key).sign("size", "FLOW_CLASSIFIER", version, format, payload)))
                .build();
    }

    static List<FlowRecord> flows(int batch, int n) {
        List<FlowRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(FlowRecord.newBuilder()
                    .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, (byte) batch, 0, (byte) i}))
                            .setDstIp(ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(1000 + i).setDstPort(53)
                            .setProtocol(17).build())
                    .setStartMicros(1_763_856_000_000_000L + i).setEndMicros(1_763_856_000_000_000L + i + 100)
                    .setFwdPackets(i % 20).setFwdBytes(100L * i).setBwdPackets(1).setBwdBytes(60).build());
        }
        return out;
    }

    @Test
    void aNewModelVersionTakesOverMidStreamAndBadUpdatesAreRejected(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("model.key");
        Files.write(keyFile, KEY);
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "rollout-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.IDLENESS.key(), "1 s");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "rollout-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        KAFKA.cluster().createTopics(2, FlowpulseJobITCase.topics(conf), java.util.Set.of(conf.get(JobOptions.TOPIC_MODELS)));
        String modelsTopic = conf.get(JobOptions.TOPIC_MODELS);
        String recordsTopic = conf.get(JobOptions.TOPIC_FLOW_RECORDS);

        JobClient job = FlowpulseJob.start(FlowpulseJobITCase.env(), conf);
        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers());
                TopicReader<Classification> out = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_CLASSIFICATIONS), Codecs.CLASSIFICATION);
                TopicReader<ModelEvent> events = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_MODEL_EVENTS), Codecs.MODEL_EVENT)) {
            // phase 1: flows first (buffered until the first model), then v1
            List<FlowRecord> a = flows(1, 30);
            a.forEach(r -> writer.send(recordsTopic, FlowKeySelector.canonicalKey(r.getKey()), 1, Codecs.FLOW_RECORD, r));
            writer.flush();
            writer.send(modelsTopic, "size", 1, Codecs.MODEL_UPDATE, model(1, 0.9, KEY));
            writer.flush();
            out.pollUntil(l -> l.size() >= 30, Duration.ofSeconds(60));

            // phase 2: v2 mid-stream
            writer.send(modelsTopic, "size", 2, Codecs.MODEL_UPDATE, model(2, 0.7, KEY));
            writer.flush();
            events.pollUntil(l -> l.stream().anyMatch(e -> e.getVersion() == 2), Duration.ofSeconds(60));
            List<FlowRecord> b = flows(2, 30);
            b.forEach(r -> writer.send(recordsTopic, FlowKeySelector.canonicalKey(r.getKey()), 2, Codecs.FLOW_RECORD, r));
            writer.flush();
            out.pollUntil(l -> l.size() >= 60, Duration.ofSeconds(60));

            // phase 3: a corrupted (signed garbage) and an unsigned update; v2 keeps serving
            writer.send(modelsTopic, "size", 3, Codecs.MODEL_UPDATE, signed(3, PriorModel.FORMAT, new byte[] {7, 7, 7}, KEY));
            writer.send(modelsTopic, "size", 4, Codecs.MODEL_UPDATE, model(4, 0.5, null));
            writer.flush();
            events.pollUntil(l -> l.size() >= 4, Duration.ofSeconds(60));
            List<FlowRecord> c = flows(3, 30);
            c.forEach(r -> writer.send(recordsTopic, FlowKeySelector.canonicalKey(r.getKey()), 3, Codecs.FLOW_RECORD, r));
            writer.flush();
            List<Classification> all = out.pollUntil(l -> l.size() >= 90, Duration.ofSeconds(60));

            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
            assertEquals(90, all.size(), "every flow classified once, none lost");
            Map<Integer, List<Long>> versionsByBatch = all.stream().collect(Collectors.groupingBy(
                    cl -> (int) cl.getKey().getSrcIp().get(1), Collectors.mapping(Classification::getModelVersion, Collectors.toList())));
            assertTrue(versionsByBatch.get(1).stream().allMatch(v -> v == 1), "batch 1 scored by v1: " + versionsByBatch.get(1));
            assertTrue(versionsByBatch.get(2).stream().allMatch(v -> v == 2), "batch 2 scored by v2: " + versionsByBatch.get(2));
            assertTrue(versionsByBatch.get(3).stream().allMatch(v -> v == 2), "batch 3 still v2: " + versionsByBatch.get(3));
            assertEquals(90, all.stream().map(cl -> FlowKeySelector.canonicalKey(cl.getKey())).distinct().count());

            List<String> ev = events.records().stream()
                    .map(e -> e.getOutcome() + " v" + e.getVersion() + " (serving v" + e.getServingVersion() + ")")
                    .collect(Collectors.toList());
            assertEquals(List.of("ACCEPTED v1 (serving v1)", "ACCEPTED v2 (serving v2)", "REJECTED v3 (serving v2)",
                    "REJECTED v4 (serving v2)"), ev);
            assertTrue(events.records().get(2).getReason().startsWith("payload does not decode"));
            assertEquals("unsigned update", events.records().get(3).getReason());
            assertEquals(ModelOutcome.REJECTED, events.records().get(3).getOutcome());
        } finally {
            job.cancel().get();
        }
    }
}
