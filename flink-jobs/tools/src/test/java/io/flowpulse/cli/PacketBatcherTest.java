package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.codec.Codecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketBatcherTest {
    record Sent(int partition, byte[] key, byte[] value, int[] tags) {}

    static FlowPacket packet(long micros, int srcPort, String sourceId) {
        FlowPacket p = new FlowPacket();
        p.timestampMicros = micros;
        p.srcLo = 0x0A000001L;
        p.dstLo = 0x0A000002L;
        p.srcPort = srcPort;
        p.dstPort = 443;
        p.protocol = 6;
        p.linkLength = 60;
        p.ipLength = 40;
        p.ipHeaderLength = 20;
        p.l4HeaderLength = 20;
        p.sourceId = sourceId;
        return p;
    }

    private static List<FlowPacket> decode(Sent s) throws Exception {
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        new PacketBatchCodec().decodeBatch(s.value(), d);
        return new ArrayList<>(java.util.Arrays.asList(d.packets).subList(0, d.size));
    }

    @Test
    void batchesHoldOnePartitionsPacketsInOrderAndCloseBySize() throws Exception {
        List<Sent> sent = new ArrayList<>();
        PacketBatcher b = new PacketBatcher(3, 4, Duration.ZERO, (p, k, v, t, n) -> sent.add(new Sent(p, k, v, java.util.Arrays.copyOf(t, n))));
        List<FlowPacket> in = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            FlowPacket p = packet(1_000_000L + i, 1000 + i % 7, "cap");
            in.add(p);
            b.add(p, PacketBatcher.partitionOf(PacketBatcher.flowKey(p), 3), PacketBatcher.flowKey(p), i);
        }
        b.flush();
        assertEquals(30, b.packets());
        int total = 0;
        for (Sent s : sent) {
            assertNull(s.key(), "a batch is sent to its partition, without a key");
            List<FlowPacket> got = decode(s);
            assertTrue(got.size() <= 4);
            for (int j = 0; j < got.size(); j++) {
                FlowPacket original = in.get(s.tags()[j]);
                assertEquals(original, got.get(j), "tags name the packets, in order");
                assertEquals(s.partition(), PacketBatcher.partitionOf(PacketBatcher.flowKey(original), 3));
                if (j > 0) {
                    assertTrue(s.tags()[j] > s.tags()[j - 1]);
                }
            }
            total += got.size();
        }
        assertEquals(30, total);
        assertEquals(sent.size(), b.records());
    }

    @Test
    void aBatchClosesWhenItsCaptureTimeSpanOrItsWallClockLingerIsExceeded() throws Exception {
        List<Sent> sent = new ArrayList<>();
        long[] clock = {0};
        PacketBatcher b = new PacketBatcher(1, 100, Duration.ofMillis(20),
                (p, k, v, t, n) -> sent.add(new Sent(p, k, v, java.util.Arrays.copyOf(t, n))), () -> clock[0]);
        b.add(packet(0, 1, "a"), 0, null, 0);
        b.add(packet(999_999, 1, "a"), 0, null, 1);
        assertEquals(0, sent.size());
        b.add(packet(1_000_001, 1, "a"), 0, null, 2); // more than 1 s of capture time after the batch's first
        assertEquals(1, sent.size());
        assertEquals(2, decode(sent.get(0)).size());
        clock[0] = 25_000_000L; // 25 ms later on the wall clock
        b.flushDue();
        assertEquals(2, sent.size());
        // another sourceId's batch on the partition is closed once it falls 1 s behind the newest packet
        b.add(packet(2_000_000, 2, "slow"), 0, null, 3);
        b.add(packet(2_100_000, 3, "fast"), 0, null, 4);
        b.add(packet(3_050_000, 3, "fast"), 0, null, 5);
        assertEquals(3, sent.size());
        assertEquals("slow", decode(sent.get(2)).get(0).sourceId);
    }

    @Test
    void batchSizeOneKeepsTheOldFormatKeyedByFlow() throws Exception {
        List<Sent> sent = new ArrayList<>();
        PacketBatcher b = new PacketBatcher(2, 1, Duration.ZERO, (p, k, v, t, n) -> sent.add(new Sent(p, k, v, t)));
        FlowPacket p = packet(5_000_000, 9, "x");
        b.add(p);
        assertEquals(1, sent.size());
        assertEquals(PacketBatchCodec.Kind.EVENT, PacketBatchCodec.kindOf(sent.get(0).value()));
        assertEquals(p.toPacketEvent(), Codecs.PACKET_EVENT.decode(sent.get(0).value()));
        assertEquals(new String(PacketBatcher.flowKey(p)), new String(sent.get(0).key()));
    }
}
