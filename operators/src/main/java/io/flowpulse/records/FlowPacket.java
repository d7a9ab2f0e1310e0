package io.flowpulse.records;

import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A packet as the flow operator needs it, decoded once: primitive fields only (addresses as two
 * longs each, IPv4 in the low 32 bits), so it crosses the keyBy edge with a fixed, hand-written
 * {@link Serializer} (about 50 bytes for IPv4, no Avro resolver, no reflection) instead of Avro's
 * generic datum reader/writer, which cost about 1 µs per packet there. It is not a wire type:
 * Kafka carries {@link PacketEvent}; {@link #from(PacketEvent)} and {@link #toPacketEvent()}
 * convert; the optional {@code headerBytes} (first bytes of the IP packet) are carried when present,
 * for the flow operator's first-bytes input ({@code flows.first-bytes.packets}), else null.
 *
 * <p>A hand-written serializer breaks the house rule "POJOs checked by PojoTestUtils" on purpose:
 * Flink's {@code PojoSerializer} reads every field reflectively and boxes it, several times the
 * cost of this layout on a path that runs once per packet. The serializer has a snapshot and is
 * tested for round trips ({@code FlowPacketSerializerTest}).
 */
@TypeInfo(FlowPacket.InfoFactory.class)
public final class FlowPacket {
    public long timestampMicros;
    /** Address family: 4 (addresses in the low 32 bits of {@code *Lo}) or 6 (128 bits in hi/lo). */
    public int ipVersion = 4;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int srcPort;
    public int dstPort;
    public int protocol;
    public int linkLength;
    public int ipLength;
    public int ipHeaderLength;
    public int l4HeaderLength;
    public int payloadLength;
    public int tcpFlags;
    public int tcpWindow;
    /** 802.1Q VLAN id, -1 when untagged. */
    public int vlanId = -1;
    /** Capture point or file, null when not sent. */
    public String sourceId;
    /**
     * First bytes of the IP packet (IP header, then transport header and payload), null when not
     * captured. The transport part starts at {@link #ipHeaderLength}.
     */
    public byte[] headerBytes;

    public FlowPacket() {}

    public static FlowPacket from(PacketEvent p) {
        return from(p, true);
    }

    /** As {@link #from(PacketEvent)}; without the header bytes when the flow operator does not keep them. */
    public static FlowPacket from(PacketEvent p, boolean withHeaderBytes) {
        FlowPacket f = new FlowPacket();
        f.timestampMicros = p.getTimestampMicros();
        ByteBuffer src = p.getSrcIp();
        ByteBuffer dst = p.getDstIp();
        if (src.remaining() == 16) {
            f.ipVersion = 6;
            f.srcHi = src.getLong(src.position());
            f.srcLo = src.getLong(src.position() + 8);
            f.dstHi = dst.getLong(dst.position());
            f.dstLo = dst.getLong(dst.position() + 8);
        } else {
            f.ipVersion = 4;
            f.srcLo = src.getInt(src.position()) & 0xffffffffL;
            f.dstLo = dst.getInt(dst.position()) & 0xffffffffL;
        }
        f.srcPort = p.getSrcPort();
        f.dstPort = p.getDstPort();
        f.protocol = p.getProtocol();
        f.linkLength = p.getLinkLength();
        f.ipLength = p.getIpLength();
        f.ipHeaderLength = p.getIpHeaderLength();
        f.l4HeaderLength = p.getL4HeaderLength();
        f.payloadLength = p.getPayloadLength();
        f.tcpFlags = p.getTcpFlags();
        f.tcpWindow = p.getTcpWindow();
        f.vlanId = p.getVlanId() == null ? -1 : p.getVlanId();
        f.sourceId = p.getSourceId();
        ByteBuffer h = withHeaderBytes ? p.getHeaderBytes() : null;
        if (h != null) {
            f.headerBytes = new byte[h.remaining()];
            h.duplicate().get(f.headerBytes);
        }
        return f;
    }

    public PacketEvent toPacketEvent() {
        return new PacketEvent(timestampMicros, ByteBuffer.wrap(srcIp()), ByteBuffer.wrap(dstIp()), srcPort, dstPort,
                protocol, ipVersion, linkLength, ipLength, ipHeaderLength, l4HeaderLength, payloadLength, tcpFlags,
                tcpWindow, vlanId < 0 ? null : vlanId, headerBytes == null ? null : ByteBuffer.wrap(headerBytes), sourceId);
    }

    public byte[] srcIp() {
        return address(ipVersion, srcHi, srcLo);
    }

    public byte[] dstIp() {
        return address(ipVersion, dstHi, dstLo);
    }

    /** Network-order bytes of an address held as hi/lo longs. */
    public static byte[] address(int ipVersion, long hi, long lo) {
        if (ipVersion == 6) {
            return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        }
        return ByteBuffer.allocate(4).putInt((int) lo).array();
    }

    public FlowPacket copy() {
        FlowPacket c = new FlowPacket();
        copyInto(this, c);
        return c;
    }

    private static void copyInto(FlowPacket from, FlowPacket to) {
        to.timestampMicros = from.timestampMicros;
        to.ipVersion = from.ipVersion;
        to.srcHi = from.srcHi;
        to.srcLo = from.srcLo;
        to.dstHi = from.dstHi;
        to.dstLo = from.dstLo;
        to.srcPort = from.srcPort;
        to.dstPort = from.dstPort;
        to.protocol = from.protocol;
        to.linkLength = from.linkLength;
        to.ipLength = from.ipLength;
        to.ipHeaderLength = from.ipHeaderLength;
        to.l4HeaderLength = from.l4HeaderLength;
        to.payloadLength = from.payloadLength;
        to.tcpFlags = from.tcpFlags;
        to.tcpWindow = from.tcpWindow;
        to.vlanId = from.vlanId;
        to.sourceId = from.sourceId;
        to.headerBytes = from.headerBytes == null ? null : from.headerBytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FlowPacket p)) {
            return false;
        }
        return timestampMicros == p.timestampMicros && ipVersion == p.ipVersion && srcHi == p.srcHi
                && srcLo == p.srcLo && dstHi == p.dstHi && dstLo == p.dstLo && srcPort == p.srcPort
                && dstPort == p.dstPort && protocol == p.protocol && linkLength == p.linkLength
                && ipLength == p.ipLength && ipHeaderLength == p.ipHeaderLength
                && l4HeaderLength == p.l4HeaderLength && payloadLength == p.payloadLength
                && tcpFlags == p.tcpFlags && tcpWindow == p.tcpWindow && vlanId == p.vlanId
                && java.util.Objects.equals(sourceId, p.sourceId) && java.util.Arrays.equals(headerBytes, p.headerBytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(timestampMicros) * 31 + Long.hashCode(srcLo ^ dstLo) + srcPort * 7 + dstPort;
    }

    @Override
    public String toString() {
        return "FlowPacket{" + timestampMicros + " " + FlowPacketKey.of(this) + " len=" + linkLength + " flags="
                + tcpFlags + "}";
    }

    /** Picked up by Flink's type extraction through {@link TypeInfo}: no POJO analysis, no Kryo. */
    public static final class InfoFactory extends TypeInfoFactory<FlowPacket> {
        @Override
        public TypeInformation<FlowPacket> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    public static final TypeInformation<FlowPacket> TYPE =
            new SerializerTypeInfo<>(FlowPacket.class, Serializer.INSTANCE, false);

    /**
     * Layout (big-endian): timestamp long; flags byte (bit0 IPv6, bit1 VLAN, bit2 sourceId); the
     * addresses (IPv4: two ints, IPv6: four longs); ports as two chars (0-65535, validated on
     * input); protocol, link, IP, IP header, L4 header and payload lengths, TCP flags and window as
     * ints (lossless); then the VLAN id int and the sourceId UTF string when present; then (bit3) the
     * header bytes as an unsigned short length and the bytes. Version 1 (bit3 was never set before the
     * header bytes were carried, so records written without them read unchanged).
     */
    public static final class Serializer extends TypeSerializerSingleton<FlowPacket> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public FlowPacket createInstance() {
            return new FlowPacket();
        }

        @Override
        public FlowPacket copy(FlowPacket from) {
            return from.copy();
        }

        @Override
        public FlowPacket copy(FlowPacket from, FlowPacket reuse) {
            copyInto(from, reuse);
            return reuse;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(FlowPacket p, DataOutputView out) throws IOException {
            out.writeLong(p.timestampMicros);
            boolean v6 = p.ipVersion == 6;
            int bits = (v6 ? 1 : 0) | (p.vlanId >= 0 ? 2 : 0) | (p.sourceId != null ? 4 : 0) | (p.headerBytes != null ? 8 : 0);
            out.writeByte(bits);
            if (v6) {
                out.writeLong(p.srcHi);
                out.writeLong(p.srcLo);
                out.writeLong(p.dstHi);
                out.writeLong(p.dstLo);
            } else {
                out.writeInt((int) p.srcLo);
                out.writeInt((int) p.dstLo);
            }
            out.writeChar(p.srcPort);
            out.writeChar(p.dstPort);
            out.writeInt(p.protocol);
            out.writeInt(p.linkLength);
            out.writeInt(p.ipLength);
            out.writeInt(p.ipHeaderLength);
            out.writeInt(p.l4HeaderLength);
            out.writeInt(p.payloadLength);
            out.writeInt(p.tcpFlags);
            out.writeInt(p.tcpWindow);
            if (p.vlanId >= 0) {
                out.writeInt(p.vlanId);
            }
            if (p.sourceId != null) {
                out.writeUTF(p.sourceId);
            }
            if (p.headerBytes != null) {
                int n = Math.min(p.headerBytes.length, 0xffff);
                out.writeChar(n);
                out.write(p.headerBytes, 0, n);
            }
        }

        @Override
        public FlowPacket deserialize(DataInputView in) throws IOException {
            return deserialize(new FlowPacket(), in);
        }

        @Override
        public FlowPacket deserialize(FlowPacket p, DataInputView in) throws IOException {
            p.timestampMicros = in.readLong();
            int bits = in.readUnsignedByte();
            if ((bits & 1) != 0) {
                p.ipVersion = 6;
                p.srcHi = in.readLong();
                p.srcLo = in.readLong();
                p.dstHi = in.readLong();
                p.dstLo = in.readLong();
            } else {
                p.ipVersion = 4;
                p.srcHi = 0;
                p.dstHi = 0;
                p.srcLo = in.readInt() & 0xffffffffL;
                p.dstLo = in.readInt() & 0xffffffffL;
            }
            p.srcPort = in.readChar();
            p.dstPort = in.readChar();
            p.protocol = in.readInt();
            p.linkLength = in.readInt();
            p.ipLength = in.readInt();
            p.ipHeaderLength = in.readInt();
            p.l4HeaderLength = in.readInt();
            p.payloadLength = in.readInt();
            p.tcpFlags = in.readInt();
            p.tcpWindow = in.readInt();
            p.vlanId = (bits & 2) != 0 ? in.readInt() : -1;
            p.sourceId = (bits & 4) != 0 ? in.readUTF() : null;
            if ((bits & 8) != 0) {
                p.headerBytes = new byte[in.readUnsignedShort()];
                in.readFully(p.headerBytes);
            } else {
                p.headerBytes = null;
            }
            return p;
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<FlowPacket> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FlowPacket> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
