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
            assertEquals(0, FlowpulseCli.run(new String[] {"annotate", "--rules", rules.toString(), "--bootstrap-servers",
                    kafka.bootstrapServers()}));
            try (TopicReader<Annotation> labels = new TopicReader<>(kafka.bootstrapServers(), "labels", Codecs.ANNOTATION)) {
                List<Annotation> got = labels.pollUntil(l -> l.size() >= 8, Duration.ofSeconds(30));
                assertEquals(8, got.size());
                assertEquals(4, got.stream().filter(an -> an.getLabel().equals("True")).count(), "1.1.1.1 and 8.8.8.0/24");
                assertEquals("blacklist", got.get(0).getAnnotator());
            }
        }
    }

    @Test
    void theOracleModeLabelsRequestsFromALabelledFlowFileByFlowKeyAndStart(@TempDir Path dir) throws Exception {
        Path flows = dir.resolve("flows.csv");
        Files.writeString(flows, String.join("\n",
                "SRC_IP,DST_IP,SRC_PORT,DST_PORT,PROTOCOL,TIME_FIRST,TIME_LAST,PACKETS,PACKETS_REV,BYTES,BYTES_REV,is_doh",
                "10.0.0.1,1.1.1.1,40001,443,6,1.000001,2.0,5,5,500,500,1",
                "10.0.0.2,9.9.9.9,40002,443,6,1.000002,2.0,5,5,500,500,0",
                "10.0.0.3,9.9.9.9,40003,443,6,1.000003,2.0,5,5,500,500,0", ""));
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, List.of("annotation-requests", "labels"));
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers())) {
                // flows 1 and 2 as the job writes them (server side first: the oracle matches either direction);
                // a fourth flow the oracle does not know
                byte[][] clients = {{10, 0, 0, 1}, {10, 0, 0, 2}, {10, 0, 0, 4}};
                byte[][] servers = {{1, 1, 1, 1}, {9, 9, 9, 9}, {9, 9, 9, 9}};
                for (int i = 0; i < 3; i++) {
                    AnnotationRequest r = AnnotationRequest.newBuilder().setRequestId("q" + i)
                            .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(servers[i])).setDstIp(ByteBuffer.wrap(clients[i]))
                                    .setSrcPort(443).setDstPort(40001 + i + (i == 2 ? 1 : 0)).setProtocol(6).build())
                            .setFlowStartMicros(1_000_001 + i + (i == 2 ? 1 : 0)).setFeatures(Map.of("bytes", 1.0))
                            .setScore(0.4).setStrategy("entropy").setRequestedMillis(i).build();
                    w.send("annotation-requests", r.getRequestId(), 0, Codecs.ANNOTATION_REQUEST, r);
                }
                w.flush();
            }
            assertEquals(0, FlowpulseCli.run(new String[] {"annotate", "--oracle", flows.toString(), "--oracle-column", "is_doh",
                "--label-map", "1=True,0=False", "--bootstrap-servers", kafka.bootstrapServers()}));
            try (TopicReader<Annotation> labels = new TopicReader<>(kafka.bootstrapServers(), "labels", Codecs.ANNOTATION)) {
                labels.drainToEnd(Duration.ofSeconds(30));
                List<Annotation> got = labels.records();
                assertEquals(List.of("q0=True", "q1=False"), got.stream().map(an -> an.getRequestId() + "=" + an.getLabel()).sorted()
                        .collect(java.util.stream.Collectors.toList()), "the unknown flow gets no label");
                assertEquals("oracle", got.get(0).getAnnotator());
            }
        }
    }
}
