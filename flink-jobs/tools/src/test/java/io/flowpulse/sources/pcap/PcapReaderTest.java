package io.flowpulse.sources.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.PacketEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reads every reference capture: frame counts equal INDEX.tsv's, and every link type decodes. */
class PcapReaderTest {
    private static final Path NFSTREAM =
            Path.of(System.getProperty("flowpulse.shared.data", "../shared/data")).resolve("pcap/nfstream");

    @Test
    void everyCaptureReadsAllFramesAndEveryLinkTypeDecodes() throws Exception {
        List<String> index = Files.readAllLines(NFSTREAM.resolve("INDEX.tsv"));
        Map<String, Long> decodedByLinkType = new HashMap<>();
        DecodeStats total = new DecodeStats();
        for (String line : index.subList(1, index.size())) {
            String[] cols = line.split("\t");
            Path file = NFSTREAM.resolve("pcaps").resolve(cols[0]);
            List<PcapFrame> frames = PcapReader.readAll(file);
            assertEquals(Long.parseLong(cols[3]), frames.size(), cols[0]);
            DecodeStats stats = new DecodeStats();
            PacketDecoder decoder = new PacketDecoder(stats, cols[0]);
            for (PcapFrame f : frames) {
                PacketEvent p = decoder.decode(f);
                if (p != null) {
                    assertTrue(p.getPayloadLength() >= 0 && p.getLinkLength() > 0, cols[0]);
                }
            }
            decodedByLinkType.merge(cols[2], stats.decoded, Long::sum);
            total.addAll(stats);
        }
        System.out.println("decoded per link type " + decodedByLinkType + "; " + total);
        for (Map.Entry<String, Long> e : decodedByLinkType.entrySet()) {
            assertTrue(e.getValue() > 0, "nothing decoded for link type " + e.getKey());
        }
        assertTrue(total.decoded > 100_000);
    }

    @Test
    void readsGzipAndDecodesTcpFields() throws Exception {
        Path gz = NFSTREAM.getParent().resolve("throughput-merged.pcap.gz");
        DecodeStats stats = new DecodeStats();
        PacketDecoder decoder = new PacketDecoder(stats, "merged");
        long frames = 0;
        long syn = 0;
        try (PcapReader r = PcapReader.open(gz)) {
            for (PcapFrame f = r.next(); f != null; f = r.next()) {
                frames++;
                PacketEvent p = decoder.decode(f);
                if (p != null && p.getProtocol() == 6 && (p.getTcpFlags() & 2) != 0) {
                    syn++;
                    assertTrue(p.getTcpWindow() >= 0 && p.getSrcPort() > 0);
                }
            }
        }
        assertEquals(90_301, frames);
        assertTrue(syn > 0 && stats.decoded > 80_000, stats.toString());
    }
}
