package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming job from Kafka to Kafka on a MiniCluster (parallelism 2) against a real embedded
 * KRaft broker: good packets become flows, malformed records land on the dead-letter topic with a
 * reason, and the job keeps running.
 */
class FlowpulseJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static java.util.List<String> topics(Configuration conf) {
        return conf.toMap().entrySet().stream().filter(e -> e.getKey().startsWith("topics."))
                .map(Map.Entry::getValue).collect(Collectors.toList());
    }

    static Configuration jobConf(String prefix) {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), prefix + "-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.IDLENESS.key(), "1 s");
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), prefix + "-" + o.defaultValue());
            }
        }
        return Configuration.fromMap(m);
    }

    static StreamExecutionEnvironment env() {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        return env;
    }

    @Test
    void packetsBecomeFlowsAndMalformedRecordsGoToTheDeadLetterTopicWhileTheJobKeepsRunning() throws Exception {
        Configuration conf = jobConf("dlq");
        // a clock packet on every partition moves event time; a short idleness could mark a
        // partition idle between the two halves and make its later packets late (seen under load)
        conf.set(JobOptions.IDLENESS, Duration.ofMinutes(5));
        KAFKA.cluster().createTopics(2, conf.toMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("topics.")).map(Map.Entry::getValue).collect(Collectors.toList()));
        String packetsTopic = conf.get(JobOptions.TOPIC_PACKETS);

        long t0 = 1_763_856_000_000_000L; // 2025-11-23T00:00Z in µs
        List<List<PacketEvent>> conversations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            conversations.add(TestTraffic.tcpConversation(t0 + i * 1_000_000L, 1 + i, 1, 40000 + i, 443, 3 + i));
        }
        // a later packet on another flow pushes event time past every idle timeout
        List<PacketEvent> clock = PartitionClock.packets(t0 + 600_000_000L, 2);

        JobClient job;
        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers())) {
            // good records first, then bad ones interleaved with more good ones
            for (List<PacketEvent> c : conversations.subList(0, 3)) {
                for (PacketEvent p : c) {
                    writer.send(packetsTopic, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
                }
            }
            writer.sendRaw(packetsTopic, "bad", 1, "definitely not avro".getBytes());
            byte[] wrongFingerprint = Codecs.PACKET_EVENT.encode(conversations.get(0).get(0));
            wrongFingerprint[4] ^= 0x33;
            writer.sendRaw(packetsTopic, "bad", 1, wrongFingerprint);
            writer.sendRaw(packetsTopic, "bad", 1, new byte[200_000]);
            PacketEvent negative = PacketEvent.newBuilder(conversations.get(0).get(0)).setPayloadLength(-5).build();
            writer.send(packetsTopic, "bad", 1, Codecs.PACKET_EVENT, negative);
            byte[] truncated = Arrays.copyOf(Codecs.PACKET_EVENT.encode(conversations.get(0).get(0)), 16);
            writer.sendRaw(packetsTopic, "bad", 1, truncated);
            writer.flush();

            StreamExecutionEnvironment env = env();
            job = FlowpulseJob.start(env, conf);

            for (List<PacketEvent> c : conversations.subList(3, 6)) {
                for (PacketEvent p : c) {
                    writer.send(packetsTopic, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
                }
            }
            for (PacketEvent p : clock) {
                writer.send(packetsTopic, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
            }
            writer.flush();
        }

        try (TopicReader<FlowFeatures> flows = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_FLOWS), Codecs.FLOW_FEATURES);
                TopicReader<DeadLetter> dead = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_DEAD_LETTERS), Codecs.DEAD_LETTER)) {
            List<FlowFeatures> got = flows.pollUntil(l -> l.size() >= conversations.size(), Duration.ofSeconds(90));
            List<DeadLetter> letters = dead.pollUntil(l -> l.size() >= 5, Duration.ofSeconds(30));

            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job keeps running after bad input");

            // every conversation arrived once, with all its packets and link-layer bytes
            Map<String, FlowFeatures> byKey = new HashMap<>();
            for (FlowFeatures f : got) {
                byKey.merge(FlowKeySelector.canonicalKey(f.getKey()), f, (a, b) -> {
                    throw new AssertionError("duplicate flow " + a.getKey());
                });
            }
            for (List<PacketEvent> c : conversations) {
                FlowFeatures f = byKey.get(new FlowKeySelector().getKey(c.get(0)));
                assertTrue(f != null, "missing flow for conversation starting " + c.get(0));
                assertEquals(c.size(), f.getFeatures().get("bidirectional_packets"), 0.0);
                assertEquals(TestTraffic.linkBytes(c), f.getFeatures().get("bidirectional_bytes"), 0.0);
                assertEquals(c.get(0).getSrcPort(), f.getKey().getSrcPort(), "first packet defines the forward direction");
            }

            Set<String> reasons = letters.stream().map(d -> d.getReason().split(":")[0]).collect(Collectors.toSet());
            assertEquals(Set.of("not-single-object-avro", "unknown-schema-fingerprint", "oversized-record",
                    "invalid-value", "malformed-avro-body"), reasons, "reasons: " + letters);
            for (DeadLetter d : letters) {
                assertEquals(packetsTopic, d.getTopic());
                assertTrue(d.getOffset() >= 0);
                assertTrue(d.getRaw() != null && d.getRaw().remaining() > 0, "raw bytes kept");
            }
        } finally {
            job.cancel().get();
        }
    }
}
