package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.PcapReader;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketBatchCodec;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code replay --max} publishes every decodable packet of a capture to the real broker, decodable by the job. */
class ReplayCommandITCase {
    @Test
    void batchedEveryDecodablePacketArrivesOnItsFlowKeysPartition() throws Exception {
        Path pcap = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"), "pcap/nfstream/pcaps/dropbox.pcap");
        List<FlowPacket> expected = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), pcap.getFileName().toString());
        for (PcapFrame f : PcapReader.readAll(pcap)) {
            FlowPacket p = decoder.decodePacket(f);
            if (p != null) {
                expected.add(p);
            }
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, List.of("packets"));
            assertEquals(0, FlowpulseCli.run(new String[] {"replay", "--pcap", pcap.toString(), "--max", "--topic", "packets",
                    "--batch-size", "100", "--bootstrap-servers", kafka.bootstrapServers()}));
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            List<FlowPacket> got = new ArrayList<>();
            int records = 0;
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = List.of(new TopicPartition("packets", 0), new TopicPartition("packets", 1));
                c.assign(parts);
                c.seekToBeginning(parts);
                long end = c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
                PacketBatchCodec codec = new PacketBatchCodec();
                PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (records < end && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                        records++;
                        assertEquals(PacketBatchCodec.Kind.BATCH, PacketBatchCodec.kindOf(r.value()));
                        codec.decodeBatch(r.value(), d);
                        assertTrue(d.size <= 100);
                        for (int i = 0; i < d.size; i++) {
                            assertEquals(r.partition(), PacketBatcher.partitionOf(PacketBatcher.flowKey(d.packets[i]), 2),
                                    "a batch holds packets of its partition's flows only");
                            got.add(d.packets[i]);
                        }
                    }
                }
            }
            // batches close at 100 packets or 1 s of capture time: several packets per record
            assertTrue(records < expected.size() / 5, records + " records for " + expected.size() + " packets");
            Comparator<FlowPacket> order = Comparator.comparingLong((FlowPacket p) -> p.timestampMicros)
                    .thenComparing(p -> FlowPacketKey.of(p).toString()).thenComparingInt(p -> p.linkLength);
            expected.sort(order);
            got.sort(order);
            assertEquals(expected, got);
        }
    }

    @Test
    void everyDecodablePacketArrivesAsAPacketEvent() throws Exception {
        Path pcap = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"), "pcap/nfstream/pcaps/dropbox.pcap");
        List<PacketEvent> expected = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), pcap.getFileName().toString());
        for (PcapFrame f : PcapReader.readAll(pcap)) {
            PacketEvent p = decoder.decode(f);
            if (p != null) {
                expected.add(p);
            }
        }
        assertTrue(expected.size() > 100, "packets in the capture: " + expected.size());
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            kafka.createTopics(2, List.of("packets"));
            assertEquals(0, FlowpulseCli.run(new String[] {"replay", "--pcap", pcap.toString(), "--max", "--topic", "packets",
                    "--batch-size", "1", "--bootstrap-servers", kafka.bootstrapServers()}));
            try (TopicReader<PacketEvent> reader = new TopicReader<>(kafka.bootstrapServers(), "packets", Codecs.PACKET_EVENT)) {
                assertEquals(expected.size(), reader.endOffsetTotal(), "records in the topic");
                List<PacketEvent> got = reader.pollUntil(l -> l.size() >= expected.size(), Duration.ofSeconds(60));
                assertEquals(0, reader.undecodable());
                assertEquals(expected.size(), got.size());
                // partitions interleave: compare as sets of (time, flow key, length); each flow stays in one partition
                Comparator<PacketEvent> order = Comparator.comparingLong(PacketEvent::getTimestampMicros)
                        .thenComparing(p -> new FlowKeySelector().getKey(p)).thenComparingInt(PacketEvent::getLinkLength);
                List<PacketEvent> a = new ArrayList<>(expected);
                List<PacketEvent> b = new ArrayList<>(got);
                a.sort(order);
                b.sort(order);
                assertEquals(a, b);
                Set<String> flows = new HashSet<>();
                expected.forEach(p -> flows.add(new FlowKeySelector().getKey(p)));
                assertTrue(flows.size() > 1, "several flows");
            }
        }
    }
}
