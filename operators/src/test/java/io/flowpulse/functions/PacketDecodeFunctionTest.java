package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketBatch;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class PacketDecodeFunctionTest {
    static final long NOW_MICROS = System.currentTimeMillis() * 1000;

    static FlowPacket packet(long micros, int srcPort) {
        FlowPacket p = new FlowPacket();
        p.timestampMicros = micros;
        p.srcLo = 0x0A000001L;
        p.dstLo = 0x0A000002L;
        p.srcPort = srcPort;
        p.dstPort = 53;
        p.protocol = 17;
        p.linkLength = 80;
        p.ipLength = 66;
        p.ipHeaderLength = 20;
        p.l4HeaderLength = 8;
        p.payloadLength = 38;
        return p;
    }

    static List<FlowPacket> packets(int n) {
        List<FlowPacket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(packet(NOW_MICROS + i * 1000L, 1000 + i));
        }
        return out;
    }

    private static OneInputStreamOperatorTestHarness<RawRecord, FlowPacket> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(
                new PacketDecodeFunction(EventTimeBounds.of(Duration.ofDays(1), null), 64 * 1024));
    }

    private static List<DeadLetter> dead(OneInputStreamOperatorTestHarness<RawRecord, FlowPacket> h) {
        return h.getSideOutput(SideOutputs.DEAD_LETTERS) == null ? List.of()
                : h.getSideOutput(SideOutputs.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void batchesAndSinglePacketsOnOneTopicGiveTheSamePackets() throws Exception {
        List<FlowPacket> in = packets(10);
        in.forEach(p -> p.sourceId = "agent");
        PacketBatchCodec codec = new PacketBatchCodec();
        try (var h = harness()) {
            h.processElement(new RawRecord("packets", 0, 0, 1, codec.encodeBatch("agent", in, 0, 6)), 1);
            for (int i = 6; i < 10; i++) {
                h.processElement(new RawRecord("packets", 0, i - 5, 1, Codecs.PACKET_EVENT.encode(in.get(i).toPacketEvent())), 1);
            }
            assertEquals(in, h.extractOutputValues());
            assertEquals(List.of(), dead(h));
        }
    }

    @Test
    void headerBytesReachTheFlowOperatorOnlyWhenTheFirstBytesInputIsOn() throws Exception {
        List<FlowPacket> in = packets(4);
        in.forEach(p -> p.headerBytes = new byte[] {0x45, 0, 0, 66, (byte) p.srcPort});
        byte[] batch = new PacketBatchCodec().encodeBatch(null, in);
        PacketEvent single = in.get(0).toPacketEvent();
        for (boolean keep : new boolean[] {false, true}) {
            try (var h = ProcessFunctionTestHarnesses.forProcessFunction(
                    new PacketDecodeFunction(EventTimeBounds.of(Duration.ofDays(1), null), 64 * 1024, keep))) {
                h.processElement(new RawRecord("packets", 0, 0, 1, batch), 1);
                h.processElement(new RawRecord("packets", 0, 1, 1, Codecs.PACKET_EVENT.encode(single)), 1);
                List<FlowPacket> out = h.extractOutputValues();
                assertEquals(5, out.size());
                for (int i = 0; i < 5; i++) {
                    FlowPacket expected = in.get(i % 4);
                    if (keep) {
                        assertEquals(expected, out.get(i));
                    } else {
                        assertNull(out.get(i).headerBytes);
                    }
                }
            }
        }
    }

    @Test
    void aBadBatchIsOneDeadLetterSayingWhyAndTheRecordsAroundItGoOn() throws Exception {
        PacketBatchCodec codec = new PacketBatchCodec();
        byte[] good = codec.encodeBatch(null, packets(5));
        byte[] cut = Arrays.copyOf(good, good.length - 7);
        try (var h = harness()) {
            h.processElement(new RawRecord("packets", 1, 10, 1, good), 1);
            h.processElement(new RawRecord("packets", 1, 11, 1, cut), 1);
            h.processElement(new RawRecord("packets", 1, 12, 1, "junk, not avro".getBytes()), 1);
            h.processElement(new RawRecord("packets", 1, 13, 1, null), 1);
            h.processElement(new RawRecord("packets", 1, 14, 1, new byte[70_000]), 1);
            h.processElement(new RawRecord("packets", 1, 15, 1, Codecs.PORT_SAMPLE.encode(AvroDecodeFunctionTest.sample(10))), 1);
            h.processElement(new RawRecord("packets", 1, 16, 1, good), 1);

            assertEquals(10, h.extractOutputValues().size(), "both good batches, whole");
            List<DeadLetter> dead = dead(h);
            assertEquals(List.of(11L, 12L, 13L, 14L, 15L), dead.stream().map(DeadLetter::getOffset).toList());
            assertEquals(List.of("malformed-packet-batch", "not-single-object-avro", "null-value", "oversized-record",
                    "unknown-schema-fingerprint"), dead.stream().map(d -> d.getReason().split(":")[0]).toList());
            assertTrue(dead.get(0).getReason().startsWith("malformed-packet-batch: at packet 4: "), dead.get(0).getReason());
            assertEquals(ByteBuffer.wrap(cut), dead.get(0).getRaw(), "the whole bad batch is kept");
        }
    }

    @Test
    void anInvalidOrOutOfBoundsPacketIsDeadLetteredAloneAsAPacketEvent() throws Exception {
        List<FlowPacket> in = packets(6);
        in.get(1).srcPort = 70_000; // port out of range
        in.get(2).timestampMicros = NOW_MICROS + Duration.ofDays(3).toNanos() / 1000; // too far ahead
        in.get(4).linkLength = -1;
        byte[] v = new PacketBatchCodec().encodeBatch(null, in);
        // a bad address length too: only Avro's writer can make one
        PacketBatch avro = Codecs.PACKET_BATCH.decode(v);
        avro.getPackets().get(5).setSrcIp(ByteBuffer.wrap(new byte[16]));
        v = Codecs.PACKET_BATCH.encode(avro);
        try (var h = harness()) {
            h.processElement(new RawRecord("packets", 0, 42, 1, v), 1);
            assertEquals(List.of(in.get(0), in.get(3)), h.extractOutputValues());
            List<DeadLetter> dead = dead(h);
            assertEquals(4, dead.size());
            assertTrue(dead.stream().allMatch(d -> d.getOffset() == 42L));
            assertEquals("invalid-value: packet 1 of 6 in PacketBatch: port out of range", dead.get(0).getReason());
            assertTrue(dead.get(1).getReason().startsWith("invalid-value: packet 2 of 6 in PacketBatch: event time ")
                    && dead.get(1).getReason().contains("ahead of the wall clock"), dead.get(1).getReason());
            assertEquals("invalid-value: packet 4 of 6 in PacketBatch: negative length", dead.get(2).getReason());
            assertEquals("invalid-value: packet 5 of 6 in PacketBatch: IP addresses must both be 4 or 16 bytes, got 16 and 4",
                    dead.get(3).getReason());
            // the bad packet alone, replayable as a PacketEvent
            PacketEvent kept = Codecs.PACKET_EVENT.decode(bytes(dead.get(0).getRaw()));
            assertEquals(70_000, kept.getSrcPort());
            assertNull(dead.get(3).getRaw(), "no PacketEvent holds mismatched addresses");
        }
    }

    @Test
    void aSingleInvalidPacketEventIsDeadLetteredAsItCame() throws Exception {
        FlowPacket p = packet(NOW_MICROS, 1);
        p.timestampMicros = 0;
        byte[] v = Codecs.PACKET_EVENT.encode(p.toPacketEvent());
        try (var h = harness()) {
            h.processElement(new RawRecord("packets", 0, 7, 1, v), 1);
            assertEquals(List.of(), h.extractOutputValues());
            DeadLetter d = dead(h).get(0);
            assertEquals("invalid-value: timestampMicros must be > 0, got 0", d.getReason());
            assertEquals(ByteBuffer.wrap(v), d.getRaw());
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
