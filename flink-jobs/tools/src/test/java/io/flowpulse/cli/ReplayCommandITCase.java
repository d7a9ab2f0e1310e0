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
import java.nio.file.Path;
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
                    "--bootstrap-servers", kafka.bootstrapServers()}));
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
