package io.flowpulse.records;

import io.flowpulse.records.codec.RecordDecodeException;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import org.apache.avro.InvalidNumberEncodingException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The packets topic's two value formats, read and written straight to and from {@link FlowPacket}
 * without Avro objects in between: {@link PacketEvent} (one packet per record) and
 * {@link PacketBatch} (many per record). Both are Avro single-object encoded (C3 01, the schema's
 * CRC-64-AVRO fingerprint, binary body); {@link #kindOf} tells them apart by that fingerprint.
 *
 * <p>Hand-written for the two fixed (current) schemas, so a packet costs a few varint reads and one
 * {@code FlowPacket}: no {@code SpecificDatumReader}, resolver, {@code ByteBuffer} per address, or
 * intermediate {@code PacketEvent}. Decoding reads Avro's binary encoding straight from the record's
 * byte array (about half the cost of going through Avro's {@code BinaryDecoder}, whose buffer
 * management and per-value bounds padding a whole in-memory record does not need); encoding uses
 * Avro's {@link BinaryEncoder}. The bytes are exactly what Avro's own writer produces for those schemas
 * ({@code PacketBatchCodecTest} checks both directions against {@code Codecs}); an older
 * PacketEvent schema version is left to {@code Codecs.PACKET_EVENT}, which resolves it.
 *
 * <p>A batch decodes whole or not at all: a body that ends early, has an impossible length or
 * count, or bytes left over is a {@link RecordDecodeException} with the reason (and the packet
 * index it got to), and nothing of it is emitted. A packet whose addresses are not both 4 or 16
 * bytes is not a format error: it is decoded with {@link Decoded#invalid} set, so the caller can
 * dead-letter that packet alone.
 *
 * <p>The packets' optional {@code headerBytes} (first bytes of the IP packet, for the flow operator's
 * first-bytes input) are read into {@link FlowPacket#headerBytes} only when the codec is made to
 * keep them ({@link #PacketBatchCodec(boolean)}); otherwise they are skipped and nothing is allocated.
 *
 * <p>Not thread-safe (it holds its read position and a reusable encoder): one instance per task or thread.
 */
public final class PacketBatchCodec {
    public static final long PACKET_EVENT_FINGERPRINT = SchemaNormalization.parsingFingerprint64(PacketEvent.getClassSchema());
    public static final long PACKET_BATCH_FINGERPRINT = SchemaNormalization.parsingFingerprint64(PacketBatch.getClassSchema());

    /** What a packets-topic value is, by its header. */
    public enum Kind {
        /** Current PacketEvent schema: read by {@link #decodeEvent}. */
        EVENT,
        /** PacketBatch: read by {@link #decodeBatch}. */
        BATCH,
        /** Single-object Avro of another fingerprint (an older PacketEvent, or not a packet at all). */
        OTHER,
        /** Null, too short, or no C3 01 magic. */
        NOT_SINGLE_OBJECT
    }

    /** Reused per decode: the packets of the last record and, per packet, why it is invalid (or null). */
    public static final class Decoded {
        public FlowPacket[] packets = new FlowPacket[16];
        public String[] invalid = new String[16];
        public int size;
        /** The batch's (or single packet's) capture agent, null when not sent. */
        public String sourceId;

        void clear() {
            for (int i = 0; i < size; i++) {
                packets[i] = null;
                invalid[i] = null;
            }
            size = 0;
            sourceId = null;
        }

        FlowPacket add() {
            if (size == packets.length) {
                packets = java.util.Arrays.copyOf(packets, size * 2);
                invalid = java.util.Arrays.copyOf(invalid, size * 2);
            }
            FlowPacket p = new FlowPacket(); // a new object per packet: emitted downstream, never reused
            packets[size++] = p;
            return p;
        }
    }

    private static final int HEADER = 10;
    /** Smallest encoded BatchedPacket: 15 fields, each at least one byte (two 0-length addresses included). */
    static final int MIN_PACKET_BYTES = 15;

    /** The record being decoded, the read position in it and its end. */
    private byte[] buf;
    private int pos;
    private int limit;
    private BinaryEncoder encoder;
    private final byte[] address = new byte[16];
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private final boolean keepHeaderBytes;

    /** A codec that decodes the packets' header bytes too. */
    public PacketBatchCodec() {
        this(true);
    }

    /** @param keepHeaderBytes whether decoding keeps the packets' header bytes (else skips them) */
    public PacketBatchCodec(boolean keepHeaderBytes) {
        this.keepHeaderBytes = keepHeaderBytes;
    }

    /** The format of a value, from its single-object header. */
    public static Kind kindOf(byte[] v) {
        if (v == null || v.length < HEADER || v[0] != (byte) 0xC3 || v[1] != (byte) 0x01) {
            return Kind.NOT_SINGLE_OBJECT;
        }
        long fp = fingerprint(v);
        return fp == PACKET_BATCH_FINGERPRINT ? Kind.BATCH : fp == PACKET_EVENT_FINGERPRINT ? Kind.EVENT : Kind.OTHER;
    }

    static long fingerprint(byte[] v) {
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (v[2 + i] & 0xFFL) << (8 * i);
        }
        return fp;
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes a PacketBatch value (its kind must be {@link Kind#BATCH}) into {@code out}. */
    public void decodeBatch(byte[] v, Decoded out) throws RecordDecodeException {
        out.clear();
        int packetIndex = -1;
        try {
            start(v);
            long base = readLong();
            out.sourceId = readOptionalString(v.length);
            int left = v.length - HEADER; // an upper bound on what a count may promise
            for (long n = readItemCount(); n != 0; n = readItemCount()) {
                if (n < 0 || n > left / MIN_PACKET_BYTES) {
                    throw new RecordDecodeException("malformed-packet-batch",
                            "block of " + n + " packets cannot fit in " + v.length + " bytes (after packet " + packetIndex + ")", null);
                }
                for (long i = 0; i < n; i++) {
                    packetIndex = out.size;
                    FlowPacket p = out.add();
                    long delta = readLong();
                    p.timestampMicros = base + delta;
                    p.sourceId = out.sourceId;
                    String bad = readAddresses(p);
                    if (bad == null && delta < 0) {
                        bad = "timeDeltaMicros " + delta + " < 0 (before the batch's baseTimestampMicros)";
                    }
                    out.invalid[packetIndex] = bad;
                    p.srcPort = readInt();
                    p.dstPort = readInt();
                    p.protocol = readInt();
                    readLengthsFlagsVlan(p);
                    p.headerBytes = readHeaderBytes(v.length);
                }
            }
            if (pos != limit) {
                throw new RecordDecodeException("malformed-packet-batch",
                        "bytes left over after " + out.size + " packets", null);
            }
        } catch (RecordDecodeException e) {
            out.clear();
            throw e;
        } catch (IOException | RuntimeException e) { // EOF, bad varint, union index ...
            int at = packetIndex;
            out.clear();
            throw new RecordDecodeException("malformed-packet-batch",
                    (at < 0 ? "in the batch header" : "at packet " + at) + ": " + e, e);
        } finally {
            buf = null;
        }
    }

    /** Decodes a current-schema PacketEvent value (kind {@link Kind#EVENT}) into {@code out} (one packet). */
    public void decodeEvent(byte[] v, Decoded out) throws RecordDecodeException {
        out.clear();
        try {
            start(v);
            FlowPacket p = out.add();
            p.timestampMicros = readLong();
            out.invalid[0] = readAddresses(p);
            p.srcPort = readInt();
            p.dstPort = readInt();
            p.protocol = readInt();
            readInt(); // ipVersion: implied by the address length
            readLengthsFlagsVlan(p);
            p.headerBytes = readHeaderBytes(v.length);
            p.sourceId = readOptionalString(v.length);
            out.sourceId = p.sourceId;
            if (pos != limit) {
                throw new RecordDecodeException("malformed-avro-body", "PacketEvent: bytes left over", null);
            }
        } catch (RecordDecodeException e) {
            out.clear();
            throw e;
        } catch (IOException | RuntimeException e) { // EOF, bad varint, union index ...
            out.clear();
            throw new RecordDecodeException("malformed-avro-body", "PacketEvent: " + e, e);
        } finally {
            buf = null;
        }
    }

    /** linkLength .. tcpWindow and vlanId: the same run of fields in BatchedPacket and PacketEvent. */
    private void readLengthsFlagsVlan(FlowPacket p) throws IOException {
        p.linkLength = readInt();
        p.ipLength = readInt();
        p.ipHeaderLength = readInt();
        p.l4HeaderLength = readInt();
        p.payloadLength = readInt();
        p.tcpFlags = readInt();
        p.tcpWindow = readInt();
        p.vlanId = readVlan();
    }

    /** Reads srcIp and dstIp into {@code p}; null when both are 4 or both 16 bytes, else why not. */
    private String readAddresses(FlowPacket p) throws IOException {
        int src = readAddressLength();
        long srcHi = 0;
        long srcLo = 0;
        if (src == 4) {
            srcLo = getInt(buf, pos);
        } else if (src == 16) {
            srcHi = getLong(buf, pos);
            srcLo = getLong(buf, pos + 8);
        }
        pos += src;
        int dst = readAddressLength();
        if (src == dst && (src == 4 || src == 16)) {
            p.ipVersion = src == 4 ? 4 : 6;
            p.srcHi = srcHi;
            p.srcLo = srcLo;
            p.dstHi = dst == 16 ? getLong(buf, pos) : 0;
            p.dstLo = dst == 16 ? getLong(buf, pos + 8) : getInt(buf, pos);
            pos += dst;
            return null;
        }
        pos += dst;
        p.ipVersion = 0;
        return "IP addresses must both be 4 or 16 bytes, got " + src + " and " + dst;
    }

    /** The length of one Avro bytes value, checked against what is left (the caller reads or skips the bytes). */
    private int readAddressLength() throws IOException {
        int len = readInt();
        if (len < 0) {
            throw new IOException("negative address length " + len);
        }
        need(len);
        return len;
    }

    /** An optional string, its length checked against the record's size before anything is allocated. */
    private String readOptionalString(int recordBytes) throws IOException {
        byte[] b = readOptionalBytes(recordBytes, "sourceId", true);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The optional header bytes: read when kept, else skipped (null). */
    private byte[] readHeaderBytes(int recordBytes) throws IOException {
        return readOptionalBytes(recordBytes, "headerBytes", keepHeaderBytes);
    }

    /**
     * A {@code ["null", bytes|string]} union: null for the null branch, else its bytes (or null when
     * {@code keep} is false: skipped, nothing allocated); the length is checked against the record's
     * size before anything is allocated.
     */
    private byte[] readOptionalBytes(int recordBytes, String field, boolean keep) throws IOException {
        int branch = readInt();
        if (branch == 0) {
            return null;
        }
        if (branch != 1) {
            throw new IOException("union index " + branch + " of " + field);
        }
        int len = readInt();
        if (len < 0 || len > recordBytes) {
            throw new IOException(field + " length " + len + " in a record of " + recordBytes + " bytes");
        }
        need(len);
        byte[] b = keep ? java.util.Arrays.copyOfRange(buf, pos, pos + len) : null;
        pos += len;
        return b;
    }

    private int readVlan() throws IOException {
        int branch = readInt();
        if (branch == 0) {
            return -1;
        }
        if (branch != 1) {
            throw new IOException("union index " + branch + " of vlanId");
        }
        return readInt();
    }

    // The Avro binary primitives over the record's bytes, as Avro's BinaryDecoder reads them (zig-zag
    // varints of at most 5 / 10 bytes, array blocks with an optional byte size), without its buffer
    // management: the whole record is in memory. Malformed input: EOFException when a value runs past
    // the end, InvalidNumberEncodingException for an over-long varint (Avro's exceptions).

    private void start(byte[] v) {
        buf = v;
        pos = HEADER;
        limit = v.length;
    }

    private void need(int n) throws EOFException {
        if (n > limit - pos) {
            throw new EOFException();
        }
    }

    private int readInt() throws IOException {
        int n = varint28();
        return n >= 0 ? (n >>> 1) ^ -(n & 1) : readIntSlow();
    }

    private long readLong() throws IOException {
        int n = varint28();
        return n >= 0 ? (n >>> 1) ^ -(n & 1) : readLongSlow();
    }

    /**
     * The fast path of both: a varint of 1-4 bytes (nearly every value here: lengths, ports, flags,
     * counts, and a packet's time delta in its batch up to 134 s) with 4 bytes left, unrolled, no
     * check per byte. Returns it undecoded (28 bits, so >= 0) and moves on, or -1 and moves nothing
     * (longer value, or near the end: the slow path reads it).
     */
    private int varint28() {
        int p = pos;
        if (limit - p < 4) {
            return -1;
        }
        byte[] b = buf;
        int x = b[p];
        if (x >= 0) {
            pos = p + 1;
            return x;
        }
        int n = x & 0x7f;
        x = b[p + 1];
        if (x >= 0) {
            pos = p + 2;
            return n | x << 7;
        }
        n |= (x & 0x7f) << 7;
        x = b[p + 2];
        if (x >= 0) {
            pos = p + 3;
            return n | x << 14;
        }
        n |= (x & 0x7f) << 14;
        x = b[p + 3];
        if (x >= 0) {
            pos = p + 4;
            return n | x << 21;
        }
        return -1;
    }

    private int readIntSlow() throws IOException {
        byte[] b = buf;
        int p = pos;
        int n = 0;
        for (int shift = 0; ; shift += 7) {
            if (p == limit) {
                throw new EOFException();
            }
            int x = b[p++];
            if (shift == 28) { // fifth byte: its continuation bit ends the value or the encoding is invalid
                if (x < 0) {
                    throw new InvalidNumberEncodingException("Invalid int encoding");
                }
                n |= x << 28;
                break;
            }
            n |= (x & 0x7f) << shift;
            if (x >= 0) {
                break;
            }
        }
        pos = p;
        return (n >>> 1) ^ -(n & 1);
    }

    private long readLongSlow() throws IOException {
        byte[] b = buf;
        int p = pos;
        long n = 0;
        for (int shift = 0; ; shift += 7) {
            if (p == limit) {
                throw new EOFException();
            }
            int x = b[p++];
            if (shift == 63) { // tenth byte
                if (x < 0) {
                    throw new InvalidNumberEncodingException("Invalid long encoding");
                }
                n |= (long) x << 63;
                break;
            }
            n |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                break;
            }
        }
        pos = p;
        return (n >>> 1) ^ -(n & 1);
    }

    /** An array block's item count (Avro: a negative count is followed by the block's byte size). */
    private long readItemCount() throws IOException {
        long n = readLong();
        if (n < 0) {
            readLong();
            n = -n;
        }
        return n;
    }

    private static long getInt(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }

    private static long getLong(byte[] b, int off) {
        long x = 0;
        for (int i = 0; i < 8; i++) {
            x = (x << 8) | (b[off + i] & 0xFFL);
        }
        return x;
    }

    // ------------------------------------------------------------------ encoding

    /**
     * A PacketBatch value holding {@code packets[from, to)} (their own times; the base is their
     * minimum), single-object encoded. The packets must be valid (4- or 16-byte address family).
     */
    public byte[] encodeBatch(String sourceId, List<FlowPacket> packets, int from, int to) {
        if (to <= from) {
            throw new IllegalArgumentException("an empty batch");
        }
        long base = Long.MAX_VALUE;
        for (int i = from; i < to; i++) {
            base = Math.min(base, packets.get(i).timestampMicros);
        }
        try {
            BinaryEncoder e = start(PACKET_BATCH_FINGERPRINT);
            e.writeLong(base);
            writeOptionalString(e, sourceId);
            e.writeArrayStart();
            e.setItemCount(to - from);
            for (int i = from; i < to; i++) {
                FlowPacket p = packets.get(i);
                e.startItem();
                e.writeLong(p.timestampMicros - base);
                writeAddresses(e, p);
                e.writeInt(p.srcPort);
                e.writeInt(p.dstPort);
                e.writeInt(p.protocol);
                e.writeInt(p.linkLength);
                e.writeInt(p.ipLength);
                e.writeInt(p.ipHeaderLength);
                e.writeInt(p.l4HeaderLength);
                e.writeInt(p.payloadLength);
                e.writeInt(p.tcpFlags);
                e.writeInt(p.tcpWindow);
                writeVlan(e, p.vlanId);
                if (p.headerBytes == null) {
                    e.writeIndex(0);
                } else {
                    e.writeIndex(1);
                    e.writeBytes(p.headerBytes, 0, p.headerBytes.length);
                }
            }
            e.writeArrayEnd();
            return finish(e);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode a PacketBatch", ex);
        }
    }

    /** A batch of all of {@code packets}. */
    public byte[] encodeBatch(String sourceId, List<FlowPacket> packets) {
        return encodeBatch(sourceId, packets, 0, packets.size());
    }

    private BinaryEncoder start(long fingerprint) throws IOException {
        buffer.reset();
        buffer.write(0xC3);
        buffer.write(0x01);
        for (int i = 0; i < 8; i++) {
            buffer.write((int) (fingerprint >>> (8 * i)) & 0xFF);
        }
        encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
        return encoder;
    }

    private byte[] finish(BinaryEncoder e) throws IOException {
        e.flush();
        return buffer.toByteArray();
    }

    private void writeAddresses(BinaryEncoder e, FlowPacket p) throws IOException {
        if (p.ipVersion == 6) {
            writeV6(e, p.srcHi, p.srcLo);
            writeV6(e, p.dstHi, p.dstLo);
        } else {
            writeV4(e, p.srcLo);
            writeV4(e, p.dstLo);
        }
    }

    private void writeV4(BinaryEncoder e, long lo) throws IOException {
        for (int i = 0; i < 4; i++) {
            address[i] = (byte) (lo >>> (24 - 8 * i));
        }
        e.writeBytes(address, 0, 4);
    }

    private void writeV6(BinaryEncoder e, long hi, long lo) throws IOException {
        for (int i = 0; i < 8; i++) {
            address[i] = (byte) (hi >>> (56 - 8 * i));
            address[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        e.writeBytes(address, 0, 16);
    }

    private static void writeVlan(BinaryEncoder e, int vlanId) throws IOException {
        if (vlanId < 0) {
            e.writeIndex(0);
        } else {
            e.writeIndex(1);
            e.writeInt(vlanId);
        }
    }

    private static void writeOptionalString(BinaryEncoder e, String s) throws IOException {
        if (s == null) {
            e.writeIndex(0);
        } else {
            e.writeIndex(1);
            e.writeString(s);
        }
    }
}
