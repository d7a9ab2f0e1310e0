package io.flowpulse.functions;

import io.flowpulse.functions.FlowFeatureAggregator.FlowState;
import io.flowpulse.ml.features.BulkTracker;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.ml.features.RunningStats;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Hand-written serializer of the flow operator's per-flow {@link FlowState}: every field in a fixed
 * order, primitives written directly. This breaks the house rule "state types are POJOs checked by
 * PojoTestUtils" on purpose: with RocksDB the state is serialized and deserialized on every access,
 * and Flink's reflective {@code PojoSerializer} (a field lookup and a boxed value per field, nested
 * POJO serializers for the 8 Welford accumulators and 2 bulk trackers) was the largest cost of the
 * RocksDB run. {@code FlowStateSerializerTest} fills every field of the classes reflectively and
 * checks the round trip, so a field added without serializer support fails the build; the snapshot
 * carries a layout version and restores on heap and RocksDB ({@code FlowStateSnapshotRestoreTest}).
 *
 * <p>Layout version 2: see {@link #serialize}. A layout change must bump {@link #LAYOUT} and keep a
 * reader for the old layout (or state written with it cannot be restored). Layout 1 (up to issue 17)
 * is layout 2 without the first bytes: flag bit 16 of the first byte was never set in it, so every
 * layout-1 state is a valid layout-2 state and this serializer reads both
 * ({@code FlowStateLayoutMigrationTest} restores a snapshot written by the layout-1 code).
 */
public final class FlowStateSerializer extends TypeSerializerSingleton<FlowState> {
    private static final long serialVersionUID = 1L;
    public static final FlowStateSerializer INSTANCE = new FlowStateSerializer();
    static final int LAYOUT = 2;
    /** The oldest layout this serializer reads. */
    static final int OLDEST_READABLE_LAYOUT = 1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public FlowState createInstance() {
        return new FlowState();
    }

    @Override
    public FlowState copy(FlowState from) {
        try { // deep copy through the layout: rare (heap snapshots), and always in step with it
            org.apache.flink.core.memory.DataOutputSerializer out = new org.apache.flink.core.memory.DataOutputSerializer(1024);
            serialize(from, out);
            return deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public FlowState copy(FlowState from, FlowState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(FlowState s, DataOutputView out) throws IOException {
        int bits = (s.finForward ? 1 : 0) | (s.finBackward ? 2 : 0) | (s.closedByRst ? 4 : 0)
                | (s.source != null ? 8 : 0) | (s.firstBytes != null ? 16 : 0);
        out.writeByte(bits);
        out.writeByte(s.ipVersion);
        if (s.ipVersion == 6) {
            out.writeLong(s.srcHi);
            out.writeLong(s.srcLo);
            out.writeLong(s.dstHi);
            out.writeLong(s.dstLo);
        } else {
            out.writeInt((int) s.srcLo);
            out.writeInt((int) s.dstLo);
        }
        out.writeInt(s.srcPort);
        out.writeInt(s.dstPort);
        out.writeInt(s.protocol);
        if (s.source != null) {
            out.writeUTF(s.source);
        }
        out.writeLong(s.closingSinceMicros);
        out.writeLong(s.timerMillis);
        out.writeLong(s.continuationUntilMicros);
        out.writeInt(s.firstPacketsStored);
        for (int i = 0; i < s.firstPacketsStored; i++) {
            out.writeLong(s.firstPackets[i]);
        }
        if (s.firstBytes != null) { // layout 2: packet count, then per packet an unsigned byte length and the bytes
            out.writeByte(s.firstBytes.length);
            for (byte[] b : s.firstBytes) {
                out.writeByte(b.length);
                out.write(b);
            }
        }
        writeStats(s.stats, out);
    }

    @Override
    public FlowState deserialize(DataInputView in) throws IOException {
        FlowState s = new FlowState();
        int bits = in.readUnsignedByte();
        s.finForward = (bits & 1) != 0;
        s.finBackward = (bits & 2) != 0;
        s.closedByRst = (bits & 4) != 0;
        s.ipVersion = in.readUnsignedByte();
        if (s.ipVersion == 6) {
            s.srcHi = in.readLong();
            s.srcLo = in.readLong();
            s.dstHi = in.readLong();
            s.dstLo = in.readLong();
        } else {
            s.srcLo = in.readInt() & 0xffffffffL;
            s.dstLo = in.readInt() & 0xffffffffL;
        }
        s.srcPort = in.readInt();
        s.dstPort = in.readInt();
        s.protocol = in.readInt();
        s.source = (bits & 8) != 0 ? in.readUTF() : null;
        s.closingSinceMicros = in.readLong();
        s.timerMillis = in.readLong();
        s.continuationUntilMicros = in.readLong();
        s.firstPacketsStored = in.readInt();
        s.firstPackets = s.firstPacketsStored == 0 ? null : new long[s.firstPacketsStored];
        for (int i = 0; i < s.firstPacketsStored; i++) {
            s.firstPackets[i] = in.readLong();
        }
        if ((bits & 16) != 0) {
            s.firstBytes = new byte[in.readUnsignedByte()][];
            for (int i = 0; i < s.firstBytes.length; i++) {
                s.firstBytes[i] = new byte[in.readUnsignedByte()];
                in.readFully(s.firstBytes[i]);
            }
        }
        readStats(s.stats, in);
        return s;
    }

    private static void writeStats(FlowStatistics t, DataOutputView out) throws IOException {
        out.writeLong(t.firstMicros);
        out.writeLong(t.lastMicros);
        out.writeLong(t.fwdFirstMicros);
        out.writeLong(t.fwdLastMicros);
        out.writeLong(t.bwdFirstMicros);
        out.writeLong(t.bwdLastMicros);
        out.writeLong(t.fwdPackets);
        out.writeLong(t.bwdPackets);
        out.writeLong(t.fwdLinkBytes);
        out.writeLong(t.bwdLinkBytes);
        out.writeLong(t.fwdIpBytes);
        out.writeLong(t.bwdIpBytes);
        out.writeLong(t.fwdPayloadBytes);
        out.writeLong(t.bwdPayloadBytes);
        out.writeLong(t.fwdHeaderBytes);
        out.writeLong(t.bwdHeaderBytes);
        write(t.fwdLength, out);
        write(t.bwdLength, out);
        write(t.length, out);
        write(t.flowIat, out);
        write(t.fwdIat, out);
        write(t.bwdIat, out);
        write(t.active, out);
        write(t.idle, out);
        out.writeLong(t.activeStartMicros);
        out.writeLong(t.activeEndMicros);
        out.writeInt(t.finCount);
        out.writeInt(t.synCount);
        out.writeInt(t.rstCount);
        out.writeInt(t.pshCount);
        out.writeInt(t.ackCount);
        out.writeInt(t.urgCount);
        out.writeInt(t.cwrCount);
        out.writeInt(t.eceCount);
        out.writeInt(t.fwdPshCount);
        out.writeInt(t.bwdPshCount);
        out.writeInt(t.fwdUrgCount);
        out.writeInt(t.bwdUrgCount);
        out.writeInt(t.fwdInitWindow);
        out.writeInt(t.bwdInitWindow);
        out.writeLong(t.fwdActDataPackets);
        out.writeInt(t.fwdMinL4Header);
        write(t.fwdBulk, out);
        write(t.bwdBulk, out);
        out.writeLong(t.subflowCount);
        out.writeLong(t.subflowLastMicros);
    }

    private static void readStats(FlowStatistics t, DataInputView in) throws IOException {
        t.firstMicros = in.readLong();
        t.lastMicros = in.readLong();
        t.fwdFirstMicros = in.readLong();
        t.fwdLastMicros = in.readLong();
        t.bwdFirstMicros = in.readLong();
        t.bwdLastMicros = in.readLong();
        t.fwdPackets = in.readLong();
        t.bwdPackets = in.readLong();
        t.fwdLinkBytes = in.readLong();
        t.bwdLinkBytes = in.readLong();
        t.fwdIpBytes = in.readLong();
        t.bwdIpBytes = in.readLong();
        t.fwdPayloadBytes = in.readLong();
        t.bwdPayloadBytes = in.readLong();
        t.fwdHeaderBytes = in.readLong();
        t.bwdHeaderBytes = in.readLong();
        read(t.fwdLength, in);
        read(t.bwdLength, in);
        read(t.length, in);
        read(t.flowIat, in);
        read(t.fwdIat, in);
        read(t.bwdIat, in);
        read(t.active, in);
        read(t.idle, in);
        t.activeStartMicros = in.readLong();
        t.activeEndMicros = in.readLong();
        t.finCount = in.readInt();
        t.synCount = in.readInt();
        t.rstCount = in.readInt();
        t.pshCount = in.readInt();
        t.ackCount = in.readInt();
        t.urgCount = in.readInt();
        t.cwrCount = in.readInt();
        t.eceCount = in.readInt();
        t.fwdPshCount = in.readInt();
        t.bwdPshCount = in.readInt();
        t.fwdUrgCount = in.readInt();
        t.bwdUrgCount = in.readInt();
        t.fwdInitWindow = in.readInt();
        t.bwdInitWindow = in.readInt();
        t.fwdActDataPackets = in.readLong();
        t.fwdMinL4Header = in.readInt();
        read(t.fwdBulk, in);
        read(t.bwdBulk, in);
        t.subflowCount = in.readLong();
        t.subflowLastMicros = in.readLong();
    }

    private static void write(RunningStats r, DataOutputView out) throws IOException {
        out.writeLong(r.count);
        if (r.count > 0) { // an empty accumulator is all zeros: one long instead of six
            out.writeDouble(r.sum);
            out.writeDouble(r.mean);
            out.writeDouble(r.m2);
            out.writeDouble(r.min);
            out.writeDouble(r.max);
        }
    }

    private static void read(RunningStats r, DataInputView in) throws IOException {
        r.count = in.readLong();
        if (r.count > 0) {
            r.sum = in.readDouble();
            r.mean = in.readDouble();
            r.m2 = in.readDouble();
            r.min = in.readDouble();
            r.max = in.readDouble();
        }
    }

    private static void write(BulkTracker b, DataOutputView out) throws IOException {
        out.writeLong(b.candidateStartMicros);
        out.writeLong(b.candidateLastMicros);
        out.writeLong(b.candidatePackets);
        out.writeLong(b.candidateBytes);
        out.writeLong(b.lastPayloadMicros);
        out.writeLong(b.bulkCount);
        out.writeLong(b.bulkPackets);
        out.writeLong(b.bulkBytes);
        out.writeLong(b.bulkDurationMicros);
    }

    private static void read(BulkTracker b, DataInputView in) throws IOException {
        b.candidateStartMicros = in.readLong();
        b.candidateLastMicros = in.readLong();
        b.candidatePackets = in.readLong();
        b.candidateBytes = in.readLong();
        b.lastPayloadMicros = in.readLong();
        b.bulkCount = in.readLong();
        b.bulkPackets = in.readLong();
        b.bulkBytes = in.readLong();
        b.bulkDurationMicros = in.readLong();
    }

    @Override
    public FlowState deserialize(FlowState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<FlowState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Snapshot with the layout version, so a restore knows which layout the state was written in. */
    public static final class Snapshot implements TypeSerializerSnapshot<FlowState> {
        private int layout = LAYOUT;

        public Snapshot() {}

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(layout);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            layout = in.readInt();
        }

        @Override
        public TypeSerializer<FlowState> restoreSerializer() {
            if (layout < OLDEST_READABLE_LAYOUT || layout > LAYOUT) {
                throw new IllegalStateException("flow state layout " + layout + " is not readable by this version"
                        + " (reads layouts " + OLDEST_READABLE_LAYOUT + ".." + LAYOUT + ")");
            }
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<FlowState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<FlowState> oldSnapshot) {
            // layout 1 bytes are layout 2 bytes (see the class comment): readable as they are
            if (oldSnapshot instanceof Snapshot old && old.layout >= OLDEST_READABLE_LAYOUT && old.layout <= LAYOUT) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
