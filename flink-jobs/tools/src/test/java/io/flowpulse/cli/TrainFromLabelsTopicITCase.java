package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels fed back on Kafka (the real broker) train a model: {@code train --labels-topic}. */
class TrainFromLabelsTopicITCase {
    @Test
    void trainsFromAnnotationsOnTheLabelsTopic(@TempDir Path dir) throws Exception {
        Path d0 = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"), "flows/cesnet_alf_doh/conf/doh_D0.csv");
        assumeTrue(Files.exists(d0), "shared data not present");
        LabelledTable table = LabelledTable.fromCsv(d0, "class", null);
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, List.of("labels"));
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers())) {
                for (int i = 0; i < table.size(); i++) {
                    Map<String, Double> f = new HashMap<>();
                    for (int j = 0; j < table.names.size(); j++) {
                        f.put(table.names.get(j), table.rows.get(i)[j]);
                    }
                    Annotation an = Annotation.newBuilder()
                            .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 1, (byte) (i >> 8), (byte) i}))
                                    .setDstIp(ByteBuffer.wrap(new byte[] {1, 1, 1, 1})).setSrcPort(40000 + i).setDstPort(443)
                                    .setProtocol(6).build())
                            .setFlowStartMicros(i).setFeatures(f).setLabel(table.labels.get(i)).setAnnotator("oracle")
                            .setAnnotatedMillis(i).build();
                    w.send("labels", "k" + i, 0, Codecs.ANNOTATION, an);
                }
                w.flush();
            }
            Path key = dir.resolve("key");
            Files.writeString(key, "labels-topic-test-key-0123456789");
            Path out = dir.resolve("m.avro");
            assertEquals(0, FlowpulseCli.run(new String[] {"train", "--labels-topic", "labels", "--bootstrap-servers",
                    kafka.bootstrapServers(), "--model", "gbt", "--trees", "30", "--depth", "4", "--output", out.toString(),
                    "--signing-key-file", key.toString(), "--model-id", "doh", "--model-version", "7"}));
            ModelUpdate u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(out));
            assertEquals(7, u.getVersion());
            assertTrue(u.getMetrics().get("macro_f1") > 0.85, u.getMetrics().toString());
            assertTrue(Set.of("flowpulse-gbt-v1").contains(u.getFormat()));

            // publishing: the first version goes out; a weaker challenger is refused against the
            // newest version on the models topic (champion/challenger), a better one is published
            kafka.createTopics(1, List.of("models"), Set.of("models"));
            String[] publish = {"--labels-topic", "labels", "--bootstrap-servers", kafka.bootstrapServers(), "--model", "gbt",
                "--trees", "30", "--depth", "4", "--output", dir.resolve("p1.avro").toString(), "--signing-key-file",
                key.toString(), "--model-id", "doh", "--publish"};
            assertEquals(0, FlowpulseCli.run(CliRun.with("train", publish)));
            String[] weak = {"--labels-topic", "labels", "--bootstrap-servers", kafka.bootstrapServers(), "--model", "rf",
                "--trees", "1", "--depth", "1", "--output", dir.resolve("p2.avro").toString(), "--signing-key-file",
                key.toString(), "--model-id", "doh", "--publish"};
            assertEquals(3, FlowpulseCli.run(CliRun.with("train", weak)));
            ModelUpdate current = io.flowpulse.active.TrainingService.currentModel(kafka.bootstrapServers(), "models", "doh");
            assertEquals("flowpulse-gbt-v1", current.getFormat(), "the champion still serves");
        }
    }
}
