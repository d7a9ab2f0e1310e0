package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.cli.PacketBatcher;
import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.KafkaSources;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.PcapReader;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, the packets topic's two formats through the real broker and the real decode step: a
 * capture's packets (two captures) written once as one PacketEvent per record and once as a mix on one topic
 * (half the flows in PacketBatch records from {@link PacketBatcher}, the others as single records
 * from an old producer, plus a truncated batch and a batch with one invalid packet) give the same
 * flows, feature for feature; the bad batch is one dead letter with its reason, the bad packet one
 * dead letter naming its place in the batch, and nothing else is lost.
 */
class PacketBatchTopicITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @ParameterizedTest
    @ValueSource(strings = {"instagram.pcap", "1kxun.pcap"})
    void batchedAndSingleRecordsOnOneTopicGiveTheSameFlows(String capture) throws Exception {
        Path pcap = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"), "pcap/nfstream/pcaps", capture);
        String t = capture.replaceAll("\\W", "-") + "-"; // this capture's topics
        List<FlowPacket> packets = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), pcap.getFileName().toString());
        for (PcapFrame f : PcapReader.readAll(pcap)) {
            FlowPacket p = decoder.decodePacket(f);
            if (p != null) {
                packets.add(p);
            }
        }
        Set<String> keys = new HashSet<>();
        packets.forEach(p -> keys.add(new String(PacketBatcher.flowKey(p))));
        assertTrue(packets.size() > 1000 && keys.size() > 20, packets.size() + " packets, " + keys.size() + " flows");

        String bootstrap = KAFKA.cluster().bootstrapServers();
        KAFKA.cluster().createTopics(2, List.of(t + "single-packets", t + "mixed-packets", t + "single-flows", t + "mixed-flows",
                t + "single-dead-letters", t + "mixed-dead-letters"));
        try (TopicWriter w = new TopicWriter(bootstrap)) {
            PacketBatcher single = new PacketBatcher(2, 1, Duration.ZERO,
                    (partition, key, value, tags, n) -> w.sendRaw(t + "single-packets", partition, key, value));
            packets.forEach(single::add);

            // two producers on one topic, as a capture agent (batches, its clock = the capture's: it keeps up with
            // the traffic, so a quiet batch goes out after its 20 ms linger) and an old single-packet producer
            long[] captureNanos = {0};
            PacketBatcher batched = new PacketBatcher(2, 64, Duration.ofMillis(20),
                    (partition, key, value, tags, n) -> w.sendRaw(t + "mixed-packets", partition, key, value),
                    () -> captureNanos[0]);
            PacketBatcher old = new PacketBatcher(2, 1, Duration.ZERO,
                    (partition, key, value, tags, n) -> w.sendRaw(t + "mixed-packets", partition, key, value));
            for (FlowPacket p : packets) {
                captureNanos[0] = Math.max(captureNanos[0], p.timestampMicros * 1000);
                byte[] key = PacketBatcher.flowKey(p);
                (Math.floorMod(Arrays.hashCode(key), 2) == 0 ? batched : old).add(p);
                batched.flushDue();
            }
            batched.flush();
            assertTrue(batched.records() > 2 && old.records() > 100, batched.records() + " batches, " + old.records() + " singles");
            // bad input on partition 0: a truncated batch, and a batch with a packet whose port is out of range
            PacketBatchCodec codec = new PacketBatchCodec();
            byte[] whole = codec.encodeBatch("bad", packets.subList(0, 10));
            w.sendRaw(t + "mixed-packets", 0, null, Arrays.copyOf(whole, whole.length - 5));
            FlowPacket bad = packets.get(0).copy();
            bad.srcPort = 70_000;
            bad.sourceId = "bad";
            w.sendRaw(t + "mixed-packets", 0, null, codec.encodeBatch("bad", List.of(bad)));
            w.flush();
        }

        List<FlowFeatures> fromSingle = run(t + "single");
        List<FlowFeatures> fromMixed = run(t + "mixed");
        assertTrue(fromSingle.size() >= keys.size(), fromSingle.size() + " flows");
        Comparator<FlowFeatures> order = Comparator.comparing((FlowFeatures f) -> FlowKeySelector.canonicalKey(f.getKey()))
                .thenComparingLong(FlowFeatures::getStartMicros).thenComparingLong(FlowFeatures::getEndMicros);
        // At the end of a bounded input a flow whose idle timeout falls in the last second is IDLE_TIMEOUT or
        // END_OF_INPUT depending on whether the watermark passed its deadline before the input ended: a batch's
        // event time is its earliest packet, so the last batches' watermark trails single records' by up to the
        // batch's span (1 s). The flow itself (every feature) is the same.
        fromSingle = endedIdleOrAtEnd(fromSingle);
        fromMixed = endedIdleOrAtEnd(fromMixed);
        fromSingle.sort(order);
        fromMixed.sort(order);
        if (!fromSingle.equals(fromMixed)) { // a short message: the flows that differ
            List<String> a = fromSingle.stream().map(Object::toString).toList();
            List<String> b = fromMixed.stream().map(Object::toString).toList();
            List<String> onlySingle = a.stream().filter(x -> !b.contains(x)).limit(2).toList();
            List<String> onlyMixed = b.stream().filter(x -> !a.contains(x)).limit(2).toList();
            org.junit.jupiter.api.Assertions.fail("flows differ: " + fromSingle.size() + " from single records, " + fromMixed.size()
                    + " from the mixed topic; only in single: " + onlySingle + "; only in mixed: " + onlyMixed);
        }

        try (TopicReader<DeadLetter> none = new TopicReader<>(bootstrap, t + "single-dead-letters", Codecs.DEAD_LETTER);
                TopicReader<DeadLetter> dead = new TopicReader<>(bootstrap, t + "mixed-dead-letters", Codecs.DEAD_LETTER)) {
            assertEquals(0, none.endOffsetTotal());
            List<DeadLetter> letters = dead.pollUntil(l -> l.size() >= 2, Duration.ofSeconds(30));
            assertEquals(2, letters.size(), "dead letters: " + letters);
            List<String> reasons = letters.stream().map(DeadLetter::getReason).sorted().toList();
            assertTrue(reasons.get(0).startsWith("invalid-value: packet 0 of 1 in PacketBatch: port out of range"), reasons.get(0));
            assertTrue(reasons.get(1).startsWith("malformed-packet-batch: at packet "), reasons.get(1));
        }
    }

    private static List<FlowFeatures> endedIdleOrAtEnd(List<FlowFeatures> flows) {
        List<FlowFeatures> out = new ArrayList<>();
        for (FlowFeatures f : flows) {
            boolean idleOrEnd = f.getTermination() == io.flowpulse.records.FlowTermination.IDLE_TIMEOUT
                    || f.getTermination() == io.flowpulse.records.FlowTermination.END_OF_INPUT;
            out.add(idleOrEnd ? FlowFeatures.newBuilder(f).setTermination(io.flowpulse.records.FlowTermination.END_OF_INPUT).build() : f);
        }
        return out;
    }

    /** The job's packets path, bounded (to the offsets at start), from {@code <name>-packets}: its flows. */
    private static List<FlowFeatures> run(String name) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "packet-batch-" + name);
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.BOUNDED.key(), "true");
        m.put(JobOptions.TOPIC_PACKETS.key(), name + "-packets");
        m.put(JobOptions.TOPIC_FLOWS.key(), name + "-flows");
        m.put(JobOptions.TOPIC_DEAD_LETTERS.key(), name + "-dead-letters");
        Configuration conf = Configuration.fromMap(m);
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        FlowpulseSinks all = FlowpulseJob.kafkaSinks(conf);
        FlowpulseTopology.defineWorkflow(env, new FlowpulseSources(KafkaSources.raw(conf, JobOptions.TOPIC_PACKETS), null, null, null),
                new FlowpulseSinks(all.flows(), null, null, null, all.deadLetters(), null, null, null, null), conf);
        env.execute("packet batch " + name);
        try (TopicReader<FlowFeatures> flows = new TopicReader<>(KAFKA.cluster().bootstrapServers(), name + "-flows", Codecs.FLOW_FEATURES)) {
            long n = flows.endOffsetTotal();
            return new ArrayList<>(flows.pollUntil(l -> l.size() >= n, Duration.ofSeconds(60)));
        }
    }
}
