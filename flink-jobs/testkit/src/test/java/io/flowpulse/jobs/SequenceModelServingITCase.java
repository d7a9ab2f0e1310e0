package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.records.ModelKind;
import io.flowpulse.ml.sequence.CnnArchitecture;
import io.flowpulse.ml.sequence.PacketSequence;
import io.flowpulse.ml.sequence.SequenceCnnModel;
import io.flowpulse.ml.sequence.SequenceCnnTrainer;
import io.flowpulse.records.Classification;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.ByteBuffers;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1-D CNN (DJL) trained on packet sequences, exported as a signed model update, published on the
 * models topic and served by the running job (MiniCluster, parallelism 2, real broker): packets
 * become flows whose first packets the model classifies, in batches.
 */
class SequenceModelServingITCase {
    static final byte[] KEY = "integration-test-signing-key-17".getBytes(StandardCharsets.UTF_8);
    static final int N = 8;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    /** A download (one request, large packets back) or a chatty exchange (small both ways, slower). */
    static List<PacketEvent> conversation(long t, int client, int sport, boolean bulk, SplittableRandom r) {
        List<PacketEvent> out = new ArrayList<>();
        int s = 1;
        out.add(TestTraffic.packet(t, client, s, sport, 443, true, TestTraffic.SYN, 0));
        out.add(TestTraffic.packet(t += 800 + r.nextInt(400), client, s, sport, 443, false, TestTraffic.SYN | TestTraffic.ACK, 0));
        out.add(TestTraffic.packet(t += 100, client, s, sport, 443, true, TestTraffic.ACK, 0));
        out.add(TestTraffic.packet(t += 200, client, s, sport, 443, true, TestTraffic.PSH | TestTraffic.ACK, 150 + r.nextInt(200)));
        for (int i = 0; i < 8; i++) {
            if (bulk) {
                out.add(TestTraffic.packet(t += 50 + r.nextInt(300), client, s, sport, 443, false, TestTraffic.ACK, 1300 + r.nextInt(160)));
            } else {
                out.add(TestTraffic.packet(t += 20_000 + r.nextInt(40_000), client, s, sport, 443, i % 2 == 1, TestTraffic.PSH | TestTraffic.ACK,
                        40 + r.nextInt(120)));
            }
        }
        out.add(TestTraffic.packet(t += 1000, client, s, sport, 443, true, TestTraffic.FIN | TestTraffic.ACK, 0));
        out.add(TestTraffic.packet(t += 1000, client, s, sport, 443, false, TestTraffic.FIN | TestTraffic.ACK, 0));
        out.add(TestTraffic.packet(t += 1000, client, s, sport, 443, true, TestTraffic.ACK, 0));
        return out;
    }

    /** The first N packets as the flow operator keeps them: size_i (signed IP length), iat_ms_i. */
    static double[] sequence(List<PacketEvent> c) {
        double[] x = new double[2 * N];
        for (int i = 0; i < Math.min(N, c.size()); i++) {
            boolean fromClient = c.get(i).getSrcPort() == c.get(0).getSrcPort();
            x[i] = (fromClient ? 1 : -1) * c.get(i).getIpLength();
            x[N + i] = i == 0 ? 0 : (c.get(i).getTimestampMicros() - c.get(i - 1).getTimestampMicros()) / 1000.0;
        }
        return x;
    }

    @Test
    void aTrainedSequenceCnnIsPublishedOnTheModelsTopicAndServedInTheJob(@TempDir Path dir) throws Exception {
        // train and export (signed update, as train/search-architecture write it)
        SplittableRandom r = new SplittableRandom(17);
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(sequence(conversation(0, 1, 1000, i % 2 == 0, r)));
            labels.add(i % 2 == 0 ? "bulk" : "chatty");
        }
        ModelUpdate update;
        try (SequenceCnnModel cnn = SequenceCnnTrainer.train(new LabelledTable(PacketSequence.featureNames(N), rows, labels),
                CnnArchitecture.parse("n=8 blocks=8k3max convs=1 global=max dense=0"), new SequenceCnnTrainer.Params(5, 16, 0.02f, 1))) {
            byte[] payload = cnn.encode();
            update = ModelUpdate.newBuilder().setModelId("seq").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1).setCreatedMillis(1)
                    .setFormat(cnn.format()).setPayload(java.nio.ByteBuffer.wrap(payload))
                    .setSignature(java.nio.ByteBuffer.wrap(new ModelSigner(KEY).sign("seq", "FLOW_CLASSIFIER", 1, cnn.format(), payload)))
                    .build();
        }
        Path exported = dir.resolve("seq.avro");
        Files.write(exported, Codecs.MODEL_UPDATE.encode(update));
        ModelUpdate read = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(exported));
        assertEquals(SequenceCnnModel.FORMAT, read.getFormat());
        assertEquals(PacketSequence.featureNames(N),
                ClassifierModels.decode(read.getFormat(), ByteBuffers.copy(read.getPayload())).featureSchema().names());

        Path keyFile = dir.resolve("model.key");
        Files.write(keyFile, KEY);
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "seq-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.IDLENESS.key(), "5 min");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        m.put(JobOptions.FLOW_FIRST_PACKETS.key(), "16");
        m.put(JobOptions.MODELS_BATCH_SIZE.key(), "8");
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "seq-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        KAFKA.cluster().createTopics(2, FlowpulseJobITCase.topics(conf), java.util.Set.of(conf.get(JobOptions.TOPIC_MODELS)));
        String packets = conf.get(JobOptions.TOPIC_PACKETS);

        long t0 = 1_763_856_000_000_000L;
        Map<String, String> truth = new HashMap<>();
        List<PacketEvent> traffic = new ArrayList<>();
        SplittableRandom live = new SplittableRandom(99);
        for (int i = 0; i < 12; i++) {
            boolean bulk = i % 3 != 0;
            List<PacketEvent> c = conversation(t0 + i * 2_000_000L, 10 + i, 41000 + i, bulk, live);
            truth.put(new FlowKeySelector().getKey(c.get(0)), bulk ? "bulk" : "chatty");
            traffic.addAll(c);
        }
        traffic.addAll(PartitionClock.packets(t0 + 600_000_000L, 2));

        JobClient job = FlowpulseJob.start(FlowpulseJobITCase.env(), conf);
        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers());
                TopicReader<Classification> out = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_CLASSIFICATIONS), Codecs.CLASSIFICATION);
                TopicReader<ModelEvent> events = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                        conf.get(JobOptions.TOPIC_MODEL_EVENTS), Codecs.MODEL_EVENT)) {
            writer.send(conf.get(JobOptions.TOPIC_MODELS), "seq", 1, Codecs.MODEL_UPDATE, read);
            writer.flush();
            events.pollUntil(l -> !l.isEmpty(), Duration.ofSeconds(60));
            assertEquals("ACCEPTED", events.records().get(0).getOutcome().name(), events.records().toString());
            for (PacketEvent p : traffic) {
                writer.send(packets, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
            }
            writer.flush();
            List<Classification> got = out.pollUntil(
                    l -> l.stream().filter(c -> truth.containsKey(FlowKeySelector.canonicalKey(c.getKey()))).count() >= truth.size(),
                    Duration.ofSeconds(90));
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
            Map<String, String> predicted = new HashMap<>();
            for (Classification c : got) {
                String k = FlowKeySelector.canonicalKey(c.getKey());
                if (truth.containsKey(k)) {
                    assertEquals("seq", c.getModelId());
                    assertEquals(1L, c.getModelVersion());
                    assertTrue(predicted.put(k, c.getLabel()) == null, "one classification per flow");
                }
            }
            assertEquals(truth, predicted);
        } finally {
            job.cancel().get();
        }
    }
}
