package io.flowpulse.records;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Arrays;
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
 * Consecutive packets of one flow (one bidirectional {@link FlowPacketKey}), in arrival order, each
 * with its stream record timestamp: what crosses the keyBy edge into the flow operator (issue 13).
 * Flink's per-record cost on a network edge (record framing, channel selection, the key group, the
 * receiving side's key context and the operator's state lookup) is paid once per batch instead of
 * once per packet. Built by {@code FlowPacketBatcher}; not a wire type. Packets of a batch share
 * the key, so the batch's key is its first packet's.
 */
@TypeInfo(FlowPacketBatch.InfoFactory.class)
public final class FlowPacketBatch {
    /** Record timestamp of a packet that had none (StreamRecord without timestamp). */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private FlowPacket[] packets;
    private long[] timestamps;
    private int size;
    /** The flow key, computed once (not serialized: the receiving side computes it again once). */
    private transient FlowPacketKey key;

    public FlowPacketBatch() {
        this(4);
    }

    public FlowPacketBatch(int capacity) {
        packets = new FlowPacket[Math.max(1, capacity)];
        timestamps = new long[packets.length];
    }

    /** Appends a packet with its record timestamp ({@link #NO_TIMESTAMP} when it had none). */
    public void add(FlowPacket p, long recordTimestamp) {
        if (size == packets.length) {
            packets = Arrays.copyOf(packets, size * 2);
            timestamps = Arrays.copyOf(timestamps, size * 2);
        }
        packets[size] = p;
        timestamps[size] = recordTimestamp;
        size++;
    }

    public int size() {
        return size;
    }

    public FlowPacket packet(int i) {
        return packets[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public FlowPacketKey key() {
        if (key == null) {
            key = FlowPacketKey.of(packets[0]);
        }
        return key;
    }

    /** A batch whose packets all have {@code key} (the batcher has it already). */
    public static FlowPacketBatch of(FlowPacketKey key) {
        FlowPacketBatch b = new FlowPacketBatch();
        b.key = key;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FlowPacketBatch b) || b.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (timestamps[i] != b.timestamps[i] || !packets[i].equals(b.packets[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return size == 0 ? 0 : packets[0].hashCode() * 31 + size;
    }

    @Override
    public String toString() {
        return "FlowPacketBatch{" + size + (size == 0 ? "" : " of " + key()) + "}";
    }

    /** Picked up by Flink's type extraction through {@link TypeInfo}: no POJO analysis, no Kryo. */
    public static final class InfoFactory extends TypeInfoFactory<FlowPacketBatch> {
        @Override
        public TypeInformation<FlowPacketBatch> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    public static final TypeInformation<FlowPacketBatch> TYPE =
            new SerializerTypeInfo<>(FlowPacketBatch.class, Serializer.INSTANCE, false);

    /**
     * Layout (version 1): the packet count (int), the first packet in full ({@link FlowPacket.Serializer}),
     * then per packet a flag byte and what differs from the first packet:
     * bit0 reverse direction (endpoints and ports swapped), bit1 record timestamp is not
     * {@code floorDiv(timestampMicros, 1000)} (then it follows as a long), bit2 the packet differs
     * in anything else shared (protocol, VLAN, sourceId, addresses: then it follows in full
     * instead); then the timestamp (long) and the per-packet fields as ints. About 40 bytes per
     * packet instead of 60, and no address or string writes.
     */
    public static final class Serializer extends TypeSerializerSingleton<FlowPacketBatch> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();
        private static final FlowPacket.Serializer PACKET = FlowPacket.Serializer.INSTANCE;
        private static final int REVERSE = 1;
        private static final int OWN_TIMESTAMP = 2;
        private static final int FULL = 4;

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public FlowPacketBatch createInstance() {
            return new FlowPacketBatch();
        }

        @Override
        public FlowPacketBatch copy(FlowPacketBatch from) {
            FlowPacketBatch c = new FlowPacketBatch(from.size);
            for (int i = 0; i < from.size; i++) {
                c.add(from.packets[i].copy(), from.timestamps[i]);
            }
            return c;
        }

        @Override
        public FlowPacketBatch copy(FlowPacketBatch from, FlowPacketBatch reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        /** 0: same endpoints as {@code f}; REVERSE: swapped; -1: differs otherwise. */
        private static int relation(FlowPacket f, FlowPacket p) {
            if (p.ipVersion != f.ipVersion || p.protocol != f.protocol || p.vlanId != f.vlanId
                    || !java.util.Objects.equals(p.sourceId, f.sourceId)) {
                return -1;
            }
            if (p.srcLo == f.srcLo && p.srcHi == f.srcHi && p.dstLo == f.dstLo && p.dstHi == f.dstHi
                    && p.srcPort == f.srcPort && p.dstPort == f.dstPort) {
                return 0;
            }
            if (p.srcLo == f.dstLo && p.srcHi == f.dstHi && p.dstLo == f.srcLo && p.dstHi == f.srcHi
                    && p.srcPort == f.dstPort && p.dstPort == f.srcPort) {
                return REVERSE;
            }
            return -1;
        }

        @Override
        public void serialize(FlowPacketBatch b, DataOutputView out) throws IOException {
            out.writeInt(b.size);
            if (b.size == 0) {
                return;
            }
            FlowPacket first = b.packets[0];
            for (int i = 0; i < b.size; i++) {
                FlowPacket p = b.packets[i];
                long ts = b.timestamps[i];
                int rel = i == 0 ? -1 : relation(first, p);
                int flags = (rel < 0 ? FULL : rel) | (ts != Math.floorDiv(p.timestampMicros, 1000) ? OWN_TIMESTAMP : 0);
                out.writeByte(flags);
                if ((flags & OWN_TIMESTAMP) != 0) {
                    out.writeLong(ts);
                }
                if (rel < 0) {
                    PACKET.serialize(p, out);
                } else {
                    out.writeLong(p.timestampMicros);
                    out.writeInt(p.linkLength);
                    out.writeInt(p.ipLength);
                    out.writeInt(p.ipHeaderLength);
                    out.writeInt(p.l4HeaderLength);
                    out.writeInt(p.payloadLength);
                    out.writeInt(p.tcpFlags);
                    out.writeInt(p.tcpWindow);
                }
            }
        }

        @Override
        public FlowPacketBatch deserialize(DataInputView in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                throw new IOException("negative packet count " + n);
            }
            FlowPacketBatch b = new FlowPacketBatch(n);
            FlowPacket first = null;
            for (int i = 0; i < n; i++) {
                int flags = in.readUnsignedByte();
                long ts = (flags & OWN_TIMESTAMP) != 0 ? in.readLong() : Long.MIN_VALUE;
                FlowPacket p;
                if ((flags & FULL) != 0 || first == null) {
                    p = PACKET.deserialize(in);
                } else {
                    p = new FlowPacket();
                    boolean reverse = (flags & REVERSE) != 0;
                    p.ipVersion = first.ipVersion;
                    p.srcHi = reverse ? first.dstHi : first.srcHi;
                    p.srcLo = reverse ? first.dstLo : first.srcLo;
                    p.dstHi = reverse ? first.srcHi : first.dstHi;
                    p.dstLo = reverse ? first.srcLo : first.dstLo;
                    p.srcPort = reverse ? first.dstPort : first.srcPort;
                    p.dstPort = reverse ? first.srcPort : first.dstPort;
                    p.protocol = first.protocol;
                    p.vlanId = first.vlanId;
                    p.sourceId = first.sourceId;
                    p.timestampMicros = in.readLong();
                    p.linkLength = in.readInt();
                    p.ipLength = in.readInt();
                    p.ipHeaderLength = in.readInt();
                    p.l4HeaderLength = in.readInt();
                    p.payloadLength = in.readInt();
                    p.tcpFlags = in.readInt();
                    p.tcpWindow = in.readInt();
                }
                if (first == null) {
                    first = p;
                }
                b.add(p, (flags & OWN_TIMESTAMP) != 0 ? ts : Math.floorDiv(p.timestampMicros, 1000));
            }
            return b;
        }

        @Override
        public FlowPacketBatch deserialize(FlowPacketBatch reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<FlowPacketBatch> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FlowPacketBatch> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
