package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.Direction;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input the decoders of FlowpulseJobITCase do not show, through the whole job against the real
 * broker: packets far in the future and far in the past (event-time bounds relative to the wall
 * clock), an exporter flow record with a negative count, a port counter going backwards, a port
 * sample a month ahead. Each is a dead letter with its reason; every good record still arrives
 * (a future timestamp did not push the watermark past them) and the job keeps running.
 */
class BadInputITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final long MIN = 60_000L;

    @Test
    void eachBadRecordIsADeadLetterWithItsReasonAndNoGoodRecordIsLost() throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "bad-input-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        // every partition of packets and port-samples gets data up to a clock record: no idleness
        // needed (a short one can make a slow partition's records late on a loaded machine)
        m.put(JobOptions.IDLENESS.key(), "5 min");
        m.put(JobOptions.MAX_EVENT_TIME_AHEAD.key(), "1 d");
        m.put(JobOptions.MAX_EVENT_TIME_AGE.key(), "3650 d");
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "bad-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        KAFKA.cluster().createTopics(2, FlowpulseJobITCase.topics(conf));
        String packets = conf.get(JobOptions.TOPIC_PACKETS);
        String flowRecords = conf.get(JobOptions.TOPIC_FLOW_RECORDS);
        String portSamples = conf.get(JobOptions.TOPIC_PORT_SAMPLES);

        // event times relative to the wall clock, so the bounds hold on any machine
        long now = System.currentTimeMillis();
        long t0 = (now - 6 * 60 * MIN) / (30 * MIN) * (30 * MIN); // a bucket boundary about 6 h ago
        List<List<PacketEvent>> conversations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            conversations.add(TestTraffic.tcpConversation((t0 + i * 1000) * 1000, 1 + i, 1, 42000 + i, 443, 2 + i));
        }
        List<FlowRecord> goodRecords = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            goodRecords.add(flowRecord(i, t0 + i * 1000, 5));
        }
        JobClient job;
        try (TopicWriter w = new TopicWriter(KAFKA.cluster().bootstrapServers())) {
            for (List<PacketEvent> c : conversations.subList(0, 3)) {
                send(w, packets, c);
            }
            PacketEvent template = conversations.get(0).get(0);
            send(w, packets, List.of(PacketEvent.newBuilder(template).setTimestampMicros((now + 30L * 24 * 60 * MIN) * 1000).build()));
            send(w, packets, List.of(PacketEvent.newBuilder(template).setTimestampMicros(631_152_000_000_000L).build())); // 1990
            for (List<PacketEvent> c : conversations.subList(3, 6)) {
                send(w, packets, c);
            }
            // the clock: later packets on other flows push event time past every idle timeout
            send(w, packets, PartitionClock.packets((t0 + 300 * MIN) * 1000, 2));

            for (FlowRecord r : goodRecords.subList(0, 2)) {
                w.send(flowRecords, FlowKeySelector.canonicalKey(r.getKey()), r.getEndMicros() / 1000, Codecs.FLOW_RECORD, r);
            }
            FlowRecord negative = flowRecord(90, t0, -4);
            w.send(flowRecords, "bad", 1, Codecs.FLOW_RECORD, negative);
            for (FlowRecord r : goodRecords.subList(2, 4)) {
                w.send(flowRecords, FlowKeySelector.canonicalKey(r.getKey()), r.getEndMicros() / 1000, Codecs.FLOW_RECORD, r);
            }

            // one port, COUNTER every 5 min for 3 h (1 MB per interval); one reading 6 MB backwards,
            // one sample a month ahead (accepted, it would gap-fill a month of buckets)
            long counter = 5_000_000_000_000L;
            for (long t = t0; t <= t0 + 180 * MIN; t += 5 * MIN) {
                if (t == t0 + 60 * MIN) {
                    w.send(portSamples, "sw|ge-0|IN", t, Codecs.PORT_SAMPLE, portSample(t, counter - 6_000_000));
                    w.send(portSamples, "sw|ge-0|IN", t, Codecs.PORT_SAMPLE, portSample(now + 30L * 24 * 60 * MIN, counter));
                    continue;
                }
                w.send(portSamples, "sw|ge-0|IN", t, Codecs.PORT_SAMPLE, portSample(t, counter));
                counter += 1_000_000;
            }
            w.send(portSamples, "sw|ge-0|IN", t0 + 300 * MIN, Codecs.PORT_SAMPLE, portSample(t0 + 300 * MIN, counter));
            // a second port on the other partition, so that partition's watermark advances too
            String other = otherPartitionPort("sw|ge-0|IN");
            for (long t : new long[] {t0, t0 + 300 * MIN}) {
                w.send(portSamples, "sw|" + other + "|IN", t, Codecs.PORT_SAMPLE, PortSample.newBuilder(portSample(t, 1000))
                        .setPort(other).setKind(SampleKind.DELTA).build());
            }
            w.flush();
            job = FlowpulseJob.start(FlowpulseJobITCase.env(), conf);
        }

        try (TopicReader<FlowFeatures> flows = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_FLOWS), Codecs.FLOW_FEATURES);
                TopicReader<PortPoint> points = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_PORT_POINTS), Codecs.PORT_POINT);
                TopicReader<DeadLetter> dead = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_DEAD_LETTERS), Codecs.DEAD_LETTER)) {
            int expectedFlows = conversations.size() + goodRecords.size();
            List<FlowFeatures> got = flows.pollUntil(l -> l.size() >= expectedFlows, Duration.ofSeconds(90));
            // buckets t0 .. t0+150 min are due once the clock sample's watermark passed them
            List<PortPoint> pts = points.pollUntil(l -> l.stream().filter(p -> p.getPort().equals("ge-0")).count() >= 6,
                    Duration.ofSeconds(60)).stream().filter(p -> p.getPort().equals("ge-0")).collect(Collectors.toList());
            List<DeadLetter> letters = dead.pollUntil(l -> l.size() >= 5, Duration.ofSeconds(30));
            assertEquals(JobStatus.RUNNING, job.getJobStatus().get(), "the job keeps running after bad input");

            Set<String> keys = got.stream().map(f -> FlowKeySelector.canonicalKey(f.getKey())).collect(Collectors.toSet());
            for (List<PacketEvent> c : conversations) {
                assertTrue(keys.contains(new FlowKeySelector().getKey(c.get(0))), "flow of a good conversation arrived");
            }
            for (FlowRecord r : goodRecords) {
                assertTrue(keys.contains(FlowKeySelector.canonicalKey(r.getKey())), "good exporter record arrived");
            }
            assertEquals(expectedFlows, got.size(), "nothing extra, nothing lost: " + got.size());

            Map<String, Long> reasons = letters.stream().collect(Collectors.groupingBy(d -> d.getReason().replaceAll(" \\d{4}-.*", "")
                    .replaceAll(": from .*", ""), Collectors.counting()));
            assertEquals(Map.of(
                    "invalid-value: event time", 3L, // the future and the 1990 packet, the port sample a month ahead
                    "invalid-value: negative packet or byte count", 1L,
                    "counter-backwards", 1L), reasons, "dead letters: " + letters);
            assertTrue(letters.stream().anyMatch(d -> d.getReason().contains("ahead of the wall clock")));
            assertTrue(letters.stream().anyMatch(d -> d.getReason().contains("behind the wall clock")));

            for (PortPoint p : pts) {
                assertTrue(p.getBucketEndMillis() <= t0 + 300 * MIN, "no bucket from the sample a month ahead: " + p);
                assertFalse(p.getCounterReset(), "the backwards reading was no reset: " + p);
                assertTrue(p.getBytes() <= 6_000_000.0 + 1e-6, "no spike from the backwards reading: " + p);
            }
            // 36 good readings in [t0, t0 + 180 min]: 35 deltas of 1 MB, all in the first six buckets
            double firstSix = pts.stream().filter(p -> p.getBucketEndMillis() <= t0 + 180 * MIN).mapToDouble(PortPoint::getBytes).sum();
            assertEquals(35_000_000.0, firstSix, 1e-3, "every byte of the good readings counted: " + pts);
        } finally {
            job.cancel().get();
        }
    }

    static String otherPartitionPort(String key) {
        int partition = PartitionClock.partition(key, 2);
        for (int i = 1; i < 50; i++) {
            if (PartitionClock.partition("sw|ge-" + i + "|IN", 2) != partition) {
                return "ge-" + i;
            }
        }
        throw new IllegalStateException("no port key on the other partition");
    }

    static void send(TopicWriter w, String topic, List<PacketEvent> packets) {
        for (PacketEvent p : packets) {
            w.send(topic, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
        }
    }

    static FlowRecord flowRecord(int i, long endMillis, long fwdPackets) {
        return FlowRecord.newBuilder()
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 7, 0, (byte) i}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(3000 + i).setDstPort(53).setProtocol(17).build())
                .setStartMicros((endMillis - 10) * 1000).setEndMicros(endMillis * 1000)
                .setFwdPackets(fwdPackets).setFwdBytes(100).setBwdPackets(1).setBwdBytes(80).build();
    }

    static PortSample portSample(long ts, long counter) {
        return PortSample.newBuilder().setDevice("sw").setPort("ge-0").setDirection(Direction.IN)
                .setTimestampMillis(ts).setKind(SampleKind.COUNTER).setBytes(counter).setCounterBits(64).build();
    }
}
