package io.flowpulse.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.codec.RecordDecodeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketBatchCodecTest {

    static FlowPacket packet(long micros, int i, boolean v6) {
        FlowPacket p = new FlowPacket();
        p.timestampMicros = micros;
        p.ipVersion = v6 ? 6 : 4;
        p.srcHi = v6 ? 0x20010db800000000L + i : 0;
        p.srcLo = v6 ? 0x1L + i : 0x0A000001L + i;
        p.dstHi = v6 ? 0x20010db8ffff0000L : 0;
        p.dstLo = v6 ? 0xFFFFFFFFFFFFFFF0L : 0xC0A80001L;
        p.srcPort = 40000 + i % 20000;
        p.dstPort = 443;
        p.protocol = 6;
        p.linkLength = 60 + i;
        p.ipLength = 46 + i;
        p.ipHeaderLength = v6 ? 40 : 20;
        p.l4HeaderLength = 20;
        p.payloadLength = i;
        p.tcpFlags = i % 256;
        p.tcpWindow = 65535;
        p.vlanId = i % 3 == 0 ? 100 + i % 4000 : -1;
        return p;
    }

    static List<FlowPacket> packets(int n, long base) {
        List<FlowPacket> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(packet(base + i * 37L, i, i % 5 == 4));
        }
        return out;
    }

    private static List<FlowPacket> decodeBatch(byte[] v) throws RecordDecodeException {
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        new PacketBatchCodec().decodeBatch(v, d);
        return new ArrayList<>(Arrays.asList(d.packets).subList(0, d.size));
    }

    @Test
    void aBatchRoundTripsAndIsTheBytesAvroWouldWrite() throws Exception {
        List<FlowPacket> in = packets(300, 1_700_000_000_000_000L);
        in.forEach(p -> p.sourceId = "agent-7");
        PacketBatchCodec codec = new PacketBatchCodec();
        byte[] v = codec.encodeBatch("agent-7", in);
        assertEquals(PacketBatchCodec.Kind.BATCH, PacketBatchCodec.kindOf(v));
        assertEquals(in, decodeBatch(v));

        // the same bytes as Avro's own writer for the schema, and Avro reads ours
        PacketBatch avro = Codecs.PACKET_BATCH.decode(v);
        assertEquals(300, avro.getPackets().size());
        assertEquals(1_700_000_000_000_000L, avro.getBaseTimestampMicros());
        assertEquals("agent-7", avro.getSourceId());
        assertEquals(in.get(4).toPacketEvent().getSrcIp(), avro.getPackets().get(4).getSrcIp());
        assertArrayEquals(Codecs.PACKET_BATCH.encode(avro), v);
    }

    @Test
    void headerBytesTravelInABatchAndAreKeptOnlyWhenAsked() throws Exception {
        List<FlowPacket> in = packets(20, 3_000_000L);
        for (int i = 0; i < in.size(); i += 2) {
            in.get(i).headerBytes = new byte[] {0x45, 0, (byte) i, 7, 8};
        }
        byte[] v = new PacketBatchCodec().encodeBatch(null, in);
        assertEquals(in, decodeBatch(v)); // kept by default, odd packets without any
        PacketBatch avro = Codecs.PACKET_BATCH.decode(v); // Avro's own reader agrees
        assertEquals(ByteBuffer.wrap(in.get(2).headerBytes), avro.getPackets().get(2).getHeaderBytes());
        assertNull(avro.getPackets().get(1).getHeaderBytes());
        assertArrayEquals(Codecs.PACKET_BATCH.encode(avro), v);

        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        new PacketBatchCodec(false).decodeBatch(v, d); // skipped: the first-bytes input is off
        assertEquals(20, d.size);
        for (int i = 0; i < d.size; i++) {
            assertNull(d.packets[i].headerBytes);
            in.get(i).headerBytes = null;
            assertEquals(in.get(i), d.packets[i]);
        }

        PacketEvent single = packet(9L, 1, false).toPacketEvent();
        single.setHeaderBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] e = Codecs.PACKET_EVENT.encode(single);
        new PacketBatchCodec(true).decodeEvent(e, d);
        assertArrayEquals(new byte[] {1, 2, 3}, d.packets[0].headerBytes);
        new PacketBatchCodec(false).decodeEvent(e, d);
        assertNull(d.packets[0].headerBytes);
    }

    @Test
    void theBaseIsTheEarliestPacketAndPacketsNeedNotBeSorted() throws Exception {
        List<FlowPacket> in = new ArrayList<>(packets(5, 2_000_000L));
        java.util.Collections.reverse(in);
        byte[] v = new PacketBatchCodec().encodeBatch(null, in, 1, 4);
        assertEquals(2_000_000L + 37, Codecs.PACKET_BATCH.decode(v).getBaseTimestampMicros());
        assertEquals(in.subList(1, 4), decodeBatch(v));
    }

    @Test
    void avroWrittenBatchesWithSeveralBlocksDecode() throws Exception {
        // another writer (e.g. a capture agent in another language) may split the array into blocks
        List<FlowPacket> in = packets(10, 5_000_000L);
        PacketBatch avro = Codecs.PACKET_BATCH.decode(new PacketBatchCodec().encodeBatch(null, in));
        org.apache.avro.io.BinaryEncoder e;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] header = Arrays.copyOf(Codecs.PACKET_BATCH.encode(avro), 10);
        out.write(header);
        e = org.apache.avro.io.EncoderFactory.get().blockingBinaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(PacketBatch.class).write(avro, e);
        e.flush();
        assertEquals(in, decodeBatch(out.toByteArray()));
    }

    @Test
    void aSinglePacketEventDecodesStraightIntoAFlowPacket() throws Exception {
        for (boolean v6 : new boolean[] {false, true}) {
            FlowPacket p = packet(1_700_000_000_123_456L, 3, v6);
            p.sourceId = "pcap:x";
            PacketEvent e = p.toPacketEvent();
            e.setHeaderBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            byte[] v = Codecs.PACKET_EVENT.encode(e);
            assertEquals(PacketBatchCodec.Kind.EVENT, PacketBatchCodec.kindOf(v));
            PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
            new PacketBatchCodec(false).decodeEvent(v, d); // header bytes skipped
            assertEquals(1, d.size);
            assertEquals(p, d.packets[0]);
            assertEquals(FlowPacket.from(e, false), d.packets[0]);
            assertNull(d.invalid[0]);
            new PacketBatchCodec().decodeEvent(v, d); // and kept
            assertEquals(FlowPacket.from(e), d.packets[0]);
        }
    }

    @Test
    void badAddressesMarkThatPacketOnlyAndTheRestDecode() throws Exception {
        List<FlowPacket> in = packets(3, 9_000_000L);
        PacketBatch avro = Codecs.PACKET_BATCH.decode(new PacketBatchCodec().encodeBatch(null, in));
        avro.getPackets().get(1).setDstIp(ByteBuffer.wrap(new byte[5]));
        byte[] v = Codecs.PACKET_BATCH.encode(avro);
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        new PacketBatchCodec().decodeBatch(v, d);
        assertEquals(3, d.size);
        assertNull(d.invalid[0]);
        assertEquals("IP addresses must both be 4 or 16 bytes, got 4 and 5", d.invalid[1]);
        assertNull(d.invalid[2]);
        assertEquals(in.get(2), d.packets[2]);
    }

    @Test
    void malformedBatchesAreRejectedWholeWithTheReasonAndWhere() throws Exception {
        byte[] v = new PacketBatchCodec().encodeBatch("a", packets(50, 1_000_000L));
        PacketBatchCodec codec = new PacketBatchCodec();
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();

        RecordDecodeException cut = assertThrows(RecordDecodeException.class,
                () -> codec.decodeBatch(Arrays.copyOf(v, v.length / 2), d));
        assertEquals("malformed-packet-batch", cut.reason());
        assertTrue(cut.detail().startsWith("at packet "), cut.detail());
        assertEquals(0, d.size, "nothing of a malformed batch is kept");

        byte[] longer = Arrays.copyOf(v, v.length + 3);
        assertEquals("malformed-packet-batch", assertThrows(RecordDecodeException.class,
                () -> codec.decodeBatch(longer, d)).reason());

        // an item count the record cannot hold (a huge allocation if believed)
        byte[] header = Arrays.copyOf(v, 10);
        byte[] huge = concat(header, new byte[] {2, 0, (byte) 0xC0, (byte) 0x9A, 0x0C} /* 100,000 packets */);
        RecordDecodeException count = assertThrows(RecordDecodeException.class, () -> codec.decodeBatch(huge, d));
        assertTrue(count.detail().contains("cannot fit"), count.detail());

        // the codec is usable after errors
        assertEquals(50, decodeBatch(v).size());
    }

    @Test
    void fuzzedBatchesNeverThrowAnythingButARecordDecodeException() {
        byte[] v = new PacketBatchCodec().encodeBatch("agent", packets(40, 1_000_000L));
        Random r = new Random(13);
        PacketBatchCodec codec = new PacketBatchCodec();
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        int rejected = 0;
        for (int k = 0; k < 20_000; k++) {
            byte[] f = Arrays.copyOf(v, r.nextInt(10) == 0 ? 11 + r.nextInt(v.length - 10) : v.length); // a body of >= 1 byte
            for (int flips = 1 + r.nextInt(4); flips > 0; flips--) {
                int at = 10 + r.nextInt(f.length - 10);
                f[at] = (byte) r.nextInt(256);
            }
            try {
                codec.decodeBatch(f, d);
                assertTrue(d.size <= f.length);
            } catch (RecordDecodeException e) {
                rejected++;
                assertEquals(0, d.size);
            }
        }
        assertTrue(rejected > 0);
    }

    @Test
    void extremeVarintsReadAsAvroWritesThem() throws Exception {
        long[] longs = {0, 1, -1, 63, 64, -64, -65, 1_000_000, -(1L << 26), (1L << 27) - 1, 1L << 27,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 35, -(1L << 35), 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1};
        int[] ints = {0, 1, -1, 63, 64, -65, 8191, 8192, 1 << 20, 1 << 21, -(1 << 26), (1 << 27) - 1, 1 << 27,
            1 << 28, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, Integer.MAX_VALUE - 1};
        PacketBatchCodec codec = new PacketBatchCodec();
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        for (int k = 0; k < longs.length; k++) {
            int x = ints[k % ints.length];
            PacketEvent e = new PacketEvent(longs[k], ByteBuffer.wrap(new byte[] {10, 0, 0, 1}),
                    ByteBuffer.wrap(new byte[] {10, 0, 0, 2}), x, ~x, x ^ 0x5555, 4, x, -x, x >> 3, x << 1, x - 7, x + 7, x,
                    ints[(k + 1) % ints.length] & Integer.MAX_VALUE, null, null);
            codec.decodeEvent(Codecs.PACKET_EVENT.encode(e), d);
            FlowPacket p = d.packets[0];
            assertEquals(longs[k], p.timestampMicros);
            assertEquals(e, p.toPacketEvent(), "ints/longs of " + k);
        }
    }

    @Test
    void fuzzedBatchesThatDecodeDecodeAsAvroReadsThem() {
        byte[] v = new PacketBatchCodec().encodeBatch("agent", packets(40, 1_000_000L));
        Random r = new Random(31);
        PacketBatchCodec codec = new PacketBatchCodec();
        PacketBatchCodec.Decoded d = new PacketBatchCodec.Decoded();
        int accepted = 0;
        for (int k = 0; k < 20_000; k++) {
            byte[] f = v.clone();
            int at = 10 + r.nextInt(f.length - 10);
            f[at] = (byte) r.nextInt(256);
            try {
                codec.decodeBatch(f, d);
            } catch (RecordDecodeException e) {
                continue;
            }
            accepted++;
            PacketBatch avro;
            try {
                avro = Codecs.PACKET_BATCH.decode(f);
            } catch (RecordDecodeException e) {
                throw new AssertionError("the codec accepted what Avro rejects: " + e, e);
            }
            assertEquals(avro.getPackets().size(), d.size);
            assertEquals(avro.getSourceId(), d.sourceId);
            for (int i = 0; i < d.size; i++) {
                BatchedPacket b = avro.getPackets().get(i);
                FlowPacket p = d.packets[i];
                assertEquals(avro.getBaseTimestampMicros() + b.getTimeDeltaMicros(), p.timestampMicros);
                assertEquals(b.getSrcPort(), p.srcPort);
                assertEquals(b.getDstPort(), p.dstPort);
                assertEquals(b.getProtocol(), p.protocol);
                assertEquals(b.getLinkLength(), p.linkLength);
                assertEquals(b.getIpLength(), p.ipLength);
                assertEquals(b.getPayloadLength(), p.payloadLength);
                assertEquals(b.getTcpFlags(), p.tcpFlags);
                assertEquals(b.getTcpWindow(), p.tcpWindow);
                assertEquals(b.getVlanId() == null ? -1 : b.getVlanId(), p.vlanId);
                if (d.invalid[i] == null && p.ipVersion == 4) {
                    assertEquals(ByteBuffer.wrap(p.srcIp()), b.getSrcIp());
                    assertEquals(ByteBuffer.wrap(p.dstIp()), b.getDstIp());
                }
            }
        }
        assertTrue(accepted > 100, "accepted " + accepted);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
