package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** annotation-requests in, labels out, by the blacklist rule, on the real broker. */
class AnnotateCommandITCase {
    @Test
    void answersEveryRequestWithTheBlacklistLabel(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("blacklist.txt");
        Files.writeString(rules, "1.1.1.1\n8.8.8.0/24\n");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, List.of("annotation-requests", "labels"));
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers())) {
                byte[][] servers = {{1, 1, 1, 1}, {8, 8, 8, 8}, {9, 9, 9, 9}, {10, 0, 0, 5}};
                for (int i = 0; i < 8; i++) {
                    AnnotationRequest r = AnnotationRequest.newBuilder().setRequestId("r" + i)
                            .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, (byte) i}))
                                    .setDstIp(ByteBuffer.wrap(servers[i % 4])).setSrcPort(40000 + i).setDstPort(443)
                                    .setProtocol(6).build())
                            .setFlowStartMicros(i).setFeatures(Map.of("bytes", 100.0 * i)).setPredictedLabel("False")
                            .setScore(0.4).setStrategy("margin").setRequestedMillis(i).build();
                    w.send("annotation-requests", r.getRequestId(), 0, Codecs.ANNOTATION_REQUEST, r);
                }
                w.flush();
            }
            assertEquals(0, new AnnotateCommand().run(new String[] {"--rules", rules.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers()}));
            try (TopicReader<Annotation> labels = new TopicReader<>(kafka.bootstrapServers(), "labels", Codecs.ANNOTATION)) {
                List<Annotation> got = labels.pollUntil(l -> l.size() >= 8, Duration.ofSeconds(30));
                assertEquals(8, got.size());
                assertEquals(4, got.stream().filter(an -> an.getLabel().equals("True")).count(), "1.1.1.1 and 8.8.8.0/24");
                assertEquals("blacklist", got.get(0).getAnnotator());
            }
        }
    }
}
