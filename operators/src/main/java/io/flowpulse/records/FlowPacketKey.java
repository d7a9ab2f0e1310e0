package io.flowpulse.records;

import java.io.IOException;
import java.lang.reflect.Type;
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
 * Bidirectional 5-tuple (+ VLAN) of a packet as a binary key: both directions of a conversation
 * give the same key, the lower endpoint (address, then port) first, as in
 * {@code FlowKeySelector}'s string key. Immutable, with value equality and a mixed hash (Flink
 * murmur-hashes {@link #hashCode()} into a key group). Built from primitives, no string formatting:
 * it is made twice per packet (partitioner and keyed operator). Its {@link Serializer} writes 16
 * bytes for IPv4 and 40 for IPv6 (RocksDB key bytes).
 */
@TypeInfo(FlowPacketKey.InfoFactory.class)
public final class FlowPacketKey {
    /** ipVersion (4/6) | protocol << 8 | (vlanId + 1) << 16 */
    private final int meta;
    private final long aHi;
    private final long aLo;
    private final long bHi;
    private final long bLo;
    /** lower endpoint's port << 16 | higher endpoint's port */
    private final int ports;
    private final int hash;

    private FlowPacketKey(int meta, long aHi, long aLo, long bHi, long bLo, int ports) {
        this.meta = meta;
        this.aHi = aHi;
        this.aLo = aLo;
        this.bHi = bHi;
        this.bLo = bLo;
        this.ports = ports;
        long h = mix(aHi * 0x9E3779B97F4A7C15L + aLo);
        h = mix(h ^ (bHi * 0xC2B2AE3D27D4EB4FL + bLo));
        h = mix(h ^ (((long) meta << 32) | (ports & 0xffffffffL)));
        this.hash = (int) (h ^ (h >>> 32));
    }

    public static FlowPacketKey of(FlowPacket p) {
        int meta = (p.ipVersion == 6 ? 6 : 4) | (p.protocol & 0xff) << 8 | (p.vlanId + 1) << 16;
        int c = Long.compareUnsigned(p.srcHi, p.dstHi);
        if (c == 0) {
            c = Long.compareUnsigned(p.srcLo, p.dstLo);
        }
        if (c < 0 || (c == 0 && p.srcPort <= p.dstPort)) {
            return new FlowPacketKey(meta, p.srcHi, p.srcLo, p.dstHi, p.dstLo, p.srcPort << 16 | p.dstPort);
        }
        return new FlowPacketKey(meta, p.dstHi, p.dstLo, p.srcHi, p.srcLo, p.dstPort << 16 | p.srcPort);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlowPacketKey k && k.hash == hash && k.meta == meta && k.ports == ports && k.aLo == aLo
                && k.bLo == bLo && k.aHi == aHi && k.bHi == bHi;
    }

    /** Readable form: {@code [v<vlan>|]<protocol>|<hex>:<port>|<hex>:<port>} (FlowKeySelector's layout). */
    @Override
    public String toString() {
        int version = meta & 0xff;
        int vlan = (meta >>> 16) - 1;
        StringBuilder sb = new StringBuilder(64);
        if (vlan >= 0) {
            sb.append('v').append(vlan).append('|');
        }
        sb.append((meta >>> 8) & 0xff).append('|');
        hex(sb, FlowPacket.address(version, aHi, aLo)).append(':').append(ports >>> 16).append('|');
        hex(sb, FlowPacket.address(version, bHi, bLo)).append(':').append(ports & 0xffff);
        return sb.toString();
    }

    private static StringBuilder hex(StringBuilder sb, byte[] ip) {
        for (byte b : ip) {
            sb.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
        }
        return sb;
    }

    public static final class InfoFactory extends TypeInfoFactory<FlowPacketKey> {
        @Override
        public TypeInformation<FlowPacketKey> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    public static final TypeInformation<FlowPacketKey> TYPE =
            new SerializerTypeInfo<>(FlowPacketKey.class, Serializer.INSTANCE, true);

    /** Layout: meta int; IPv4: the two addresses as ints, IPv6: four longs; ports int. Version 1. */
    public static final class Serializer extends TypeSerializerSingleton<FlowPacketKey> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public FlowPacketKey createInstance() {
            return new FlowPacketKey(4, 0, 0, 0, 0, 0);
        }

        @Override
        public FlowPacketKey copy(FlowPacketKey from) {
            return from;
        }

        @Override
        public FlowPacketKey copy(FlowPacketKey from, FlowPacketKey reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(FlowPacketKey k, DataOutputView out) throws IOException {
            out.writeInt(k.meta);
            if ((k.meta & 0xff) == 6) {
                out.writeLong(k.aHi);
                out.writeLong(k.aLo);
                out.writeLong(k.bHi);
                out.writeLong(k.bLo);
            } else {
                out.writeInt((int) k.aLo);
                out.writeInt((int) k.bLo);
            }
            out.writeInt(k.ports);
        }

        @Override
        public FlowPacketKey deserialize(DataInputView in) throws IOException {
            int meta = in.readInt();
            if ((meta & 0xff) == 6) {
                long aHi = in.readLong();
                long aLo = in.readLong();
                long bHi = in.readLong();
                long bLo = in.readLong();
                return new FlowPacketKey(meta, aHi, aLo, bHi, bLo, in.readInt());
            }
            long aLo = in.readInt() & 0xffffffffL;
            long bLo = in.readInt() & 0xffffffffL;
            return new FlowPacketKey(meta, 0, aLo, 0, bLo, in.readInt());
        }

        @Override
        public FlowPacketKey deserialize(FlowPacketKey reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<FlowPacketKey> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<FlowPacketKey> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
