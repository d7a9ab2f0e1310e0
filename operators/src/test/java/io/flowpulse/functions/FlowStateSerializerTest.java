package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.FlowFeatureAggregator.FlowState;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FlowStateSerializer} replaces the POJO serializer for the flow state (see its javadoc for
 * why): every field survives a round trip, the snapshot restores the serializer and declares the
 * same layout compatible, and flow state snapshotted mid-flow restores on heap and RocksDB.
 */
class FlowStateSerializerTest {
    private static final long S = 1_000_000L;

    /** Sets every instance field reachable from {@code o} (nested objects too) to a distinct non-default value. */
    private static int fill(Object o, int seed) throws Exception {
        for (Field f : o.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Class<?> t = f.getType();
            seed++;
            if (t == long.class) {
                f.setLong(o, 1000L + seed);
            } else if (t == int.class) {
                f.setInt(o, 100 + seed);
            } else if (t == double.class) {
                f.setDouble(o, 0.5 + seed);
            } else if (t == boolean.class) {
                f.setBoolean(o, true);
            } else if (t == String.class) {
                f.set(o, "capture-" + seed + ".pcap");
            } else if (t == long[].class) {
                f.set(o, null); // set below together with its count
            } else if (t == byte[][].class) {
                f.set(o, new byte[][] {{(byte) seed, -1, 0, 127}, {}, new byte[128]});
            } else {
                seed = fill(f.get(o), seed);
            }
        }
        return seed;
    }

    /** Field by field comparison of everything reachable from the two objects. */
    private static void assertDeepEquals(Object expected, Object actual, String path) throws Exception {
        for (Field f : expected.getClass().getFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            Class<?> t = f.getType();
            Object e = f.get(expected);
            Object a = f.get(actual);
            if (t.isPrimitive() || t == String.class) {
                assertEquals(e, a, path + "." + f.getName());
            } else if (t == long[].class) {
                assertTrue(Arrays.equals((long[]) e, (long[]) a), path + "." + f.getName());
            } else if (t == byte[][].class) {
                assertTrue(Arrays.deepEquals((byte[][]) e, (byte[][]) a), path + "." + f.getName());
            } else if (e == null || a == null) {
                assertEquals(e, a, path + "." + f.getName());
            } else {
                assertDeepEquals(e, a, path + "." + f.getName());
            }
        }
    }

    private static FlowState filledState(int ipVersion) throws Exception {
        FlowState s = new FlowState();
        fill(s, 0);
        s.ipVersion = ipVersion;
        if (ipVersion == 4) {
            s.srcHi = 0;
            s.dstHi = 0;
            s.srcLo = 0xC0A80001L;
            s.dstLo = 0xFFFFFFFEL;
        }
        s.firstPacketsStored = 3;
        s.firstPackets = new long[] {7, Long.MAX_VALUE, -1};
        return s;
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertEquals(0, in.available(), "every byte read back");
        DataOutputSerializer copied = new DataOutputSerializer(64);
        serializer.copy(new DataInputDeserializer(out.getCopyOfBuffer()), copied);
        assertTrue(Arrays.equals(out.getCopyOfBuffer(), copied.getCopyOfBuffer()), "copy(in, out)");
        return back;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void everyFieldSurvivesARoundTrip(int ipVersion) throws Exception {
        FlowState s = filledState(ipVersion);
        assertDeepEquals(s, roundTrip(FlowStateSerializer.INSTANCE, s), "FlowState");
        FlowState copy = FlowStateSerializer.INSTANCE.copy(s);
        assertNotSame(s.stats, copy.stats);
        assertDeepEquals(s, copy, "copy");
    }

    @Test
    void freshStateSurvivesARoundTrip() throws Exception {
        FlowState s = new FlowState();
        assertDeepEquals(s, roundTrip(FlowStateSerializer.INSTANCE, s), "FlowState");
    }

    @Test
    void firstBytesOffCostsNothingAndOnCostsTheirLengthPlusOneBytePerPacket() throws Exception {
        FlowState s = filledState(4);
        s.firstBytes = null;
        DataOutputSerializer off = new DataOutputSerializer(64);
        FlowStateSerializer.INSTANCE.serialize(s, off);
        s.firstBytes = new byte[][] {new byte[64], new byte[64], new byte[10]};
        DataOutputSerializer on = new DataOutputSerializer(64);
        FlowStateSerializer.INSTANCE.serialize(s, on);
        assertEquals(off.length() + 1 + 3 + 64 + 64 + 10, on.length());
        s.firstBytes = null;
        assertDeepEquals(s, roundTrip(FlowStateSerializer.INSTANCE, s), "FlowState without first bytes");
    }

    @Test
    void theLayout1SnapshotRestoresWithThisSerializerAsIs() throws Exception {
        // a layout-1 serializer snapshot as the shipped job wrote it: version 1, then the layout int 1
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeInt(1);
        FlowStateSerializer.Snapshot old = new FlowStateSerializer.Snapshot();
        old.readSnapshot(1, new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(FlowStateSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old).isCompatibleAsIs());
        assertTrue(old.restoreSerializer() == FlowStateSerializer.INSTANCE);
        DataOutputSerializer future = new DataOutputSerializer(64);
        future.writeInt(FlowStateSerializer.LAYOUT + 1);
        FlowStateSerializer.Snapshot newer = new FlowStateSerializer.Snapshot();
        newer.readSnapshot(1, new DataInputDeserializer(future.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(FlowStateSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(newer).isIncompatible());
    }

    @Test
    void snapshotRestoresTheSerializerAndAcceptsTheSameLayout() throws Exception {
        TypeSerializerSnapshot<FlowState> snapshot = FlowStateSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<FlowState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertEquals(FlowStateSerializer.INSTANCE, read.restoreSerializer());
        TypeSerializerSchemaCompatibility<FlowState> compat =
                FlowStateSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertTrue(compat.isCompatibleAsIs());
    }

    @Test
    void packetAndKeySerializersRoundTrip() throws Exception {
        FlowPacket v4 = FlowPacket.from(packet(new byte[] {10, 0, 0, 1}, new byte[] {(byte) 192, (byte) 168, 1, 2},
                443, 51_000, 1_000, 17));
        v4.sourceId = "x.pcap";
        FlowPacket v6 = FlowPacket.from(packet(ipv6(1), ipv6(2), 53, 40_000, 5_000, 0));
        v6.vlanId = 4095;
        for (FlowPacket p : List.of(v4, v6)) {
            assertEquals(p, roundTrip(FlowPacket.Serializer.INSTANCE, p));
            assertEquals(p, FlowPacket.from(p.toPacketEvent()));
            FlowPacketKey k = FlowPacketKey.of(p);
            assertEquals(k, roundTrip(FlowPacketKey.Serializer.INSTANCE, k));
            assertEquals(k.hashCode(), roundTrip(FlowPacketKey.Serializer.INSTANCE, k).hashCode());
        }
    }

    @Test
    void bothDirectionsGetTheSameKeyAndTheStringKeysLayout() {
        PacketEvent out = packet(new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, 40_000, 443, 0, 6);
        PacketEvent back = packet(new byte[] {10, 0, 0, 2}, new byte[] {10, 0, 0, 1}, 443, 40_000, 0, 6);
        FlowPacketKey k = FlowPacketKey.of(FlowPacket.from(out));
        assertEquals(k, FlowPacketKey.of(FlowPacket.from(back)));
        assertEquals(new FlowKeySelector().getKey(out), k.toString());
        back.setVlanId(7);
        assertEquals(new FlowKeySelector().getKey(back), FlowPacketKey.of(FlowPacket.from(back)).toString());
        assertTrue(!k.equals(FlowPacketKey.of(FlowPacket.from(back))), "VLANs are separate flows");
        PacketEvent six = packet(ipv6(9), ipv6(3), 1, 2, 0, 6);
        assertEquals(new FlowKeySelector().getKey(six), FlowPacketKey.of(FlowPacket.from(six)).toString());
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void openFlowsSnapshottedMidFlowRestoreAndFinish(boolean rocksdb) throws Exception {
        List<PacketEvent> before = new ArrayList<>();
        List<PacketEvent> after = new ArrayList<>();
        for (int c = 0; c < 5; c++) { // 5 TCP flows, each half before and half after the snapshot
            byte[] client = {10, 0, 0, (byte) (10 + c)};
            byte[] server = {10, 0, 1, 1};
            for (int i = 0; i < 40; i++) {
                boolean fwd = i % 3 != 1;
                PacketEvent p = packet(fwd ? client : server, fwd ? server : client, fwd ? 40_000 : 443,
                        fwd ? 443 : 40_000, i * 10_000L + c, i == 0 ? 2 : 16);
                p.setPayloadLength(i * 7 % 300);
                (i < 20 ? before : after).add(p);
            }
        }
        List<FlowFeatures> uninterrupted;
        try (var h = harness(rocksdb)) {
            h.open();
            before.forEach(p -> send(h, p));
            after.forEach(p -> send(h, p));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            uninterrupted = h.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(rocksdb)) {
            h.open();
            before.forEach(p -> send(h, p));
            h.prepareSnapshotPreBarrier(1); // as the task does before the barrier: writes the mini-batch
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(rocksdb)) {
            h.initializeState(snapshot);
            h.open();
            if (!rocksdb) {
                assertEquals(5, h.numKeyedStateEntries(), "the open flows came back");
            }
            after.forEach(p -> send(h, p));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertEquals(uninterrupted, h.extractOutputValues());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    /**
     * The operator changes heap states in place and reuses ended flows' states: a heap snapshot whose
     * asynchronous part is written only after more packets, timers and new flows have been processed
     * must still hold the flows as they were at the barrier (the backend copies a state on read once a
     * snapshot holds it). Restoring it and replaying the rest gives the uninterrupted result.
     */
    @ParameterizedTest(name = "mini-batch {0}")
    @ValueSource(ints = {1, 1000})
    void heapSnapshotWrittenLaterIsNotChangedByWhatFollowsTheBarrier(int miniBatch) throws Exception {
        List<PacketEvent> before = new ArrayList<>();
        List<PacketEvent> after = new ArrayList<>();
        byte[] server = {10, 0, 1, 1};
        for (int c = 0; c < 6; c++) { // 6 flows open at the barrier
            byte[] client = {10, 0, 0, (byte) (10 + c)};
            for (int i = 0; i < 30; i++) {
                boolean fwd = i % 3 != 1;
                int flags = i == 0 ? 2 : i == 29 && c < 3 ? 4 : 16; // flows 0-2 end with a RST after the barrier
                PacketEvent p = packet(fwd ? client : server, fwd ? server : client, fwd ? 40_000 : 443,
                        fwd ? 443 : 40_000, i * 10_000L + c, flags);
                p.setPayloadLength(i * 7 % 300);
                (i < 15 ? before : after).add(p);
            }
        }
        List<PacketEvent> late = new ArrayList<>(); // after the RST flows ended: new flows reuse their states
        for (int c = 6; c < 10; c++) {
            byte[] client = {10, 0, 0, (byte) (10 + c)};
            for (int i = 0; i < 10; i++) {
                late.add(packet(client, server, 40_000, 443, 5_000_000L + i * 1_000L + c, i == 0 ? 2 : 16));
            }
        }
        List<FlowFeatures> uninterrupted;
        try (var h = harness(miniBatch)) {
            h.open();
            before.forEach(p -> send(h, p));
            rest(h, after, late);
            uninterrupted = h.extractOutputValues();
        }
        OperatorSubtaskState snapshot;
        try (var h = harness(miniBatch)) {
            h.open();
            before.forEach(p -> send(h, p));
            h.prepareSnapshotPreBarrier(1);
            var storage = new org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage()
                    .createCheckpointStorage(new org.apache.flink.api.common.JobID());
            var futures = h.getOperator().snapshotState(1, 1,
                    org.apache.flink.runtime.checkpoint.CheckpointOptions.forCheckpointWithDefaultLocation(),
                    storage.resolveCheckpointStorageLocation(1,
                            org.apache.flink.runtime.state.CheckpointStorageLocationReference.getDefault()));
            rest(h, after, late); // changes, ends and reuses the snapshotted states before the snapshot is written
            assertEquals(uninterrupted, h.extractOutputValues());
            snapshot = org.apache.flink.streaming.api.operators.OperatorSnapshotFinalizer.create(futures)
                    .getJobManagerOwnedState();
        }
        try (var h = harness(miniBatch)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(6, h.numKeyedStateEntries(), "the flows open at the barrier, as they were");
            rest(h, after, late);
            assertEquals(uninterrupted, h.extractOutputValues());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    private static void rest(KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> h,
            List<PacketEvent> after, List<PacketEvent> late) throws Exception {
        after.forEach(p -> send(h, p));
        h.processWatermark(new Watermark(4_000)); // the RST flows' closing timeout has passed: emitted
        late.forEach(p -> send(h, p));
        h.processWatermark(new Watermark(Long.MAX_VALUE));
    }

    @Test
    void snapshotWithoutAWatermarkStillHasTheBufferedFlows() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(false)) {
            h.open();
            send(h, packet(new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8}, 1, 2, 0, 2));
            assertEquals(1, ((FlowFeatureAggregator) h.getOperator()).pendingFlows(), "buffered, not yet written");
            h.prepareSnapshotPreBarrier(1); // writes the pending flow, so the checkpoint has it
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(false)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(1, h.numKeyedStateEntries());
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertEquals(1, h.extractOutputValues().size());
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> harness(
            int miniBatch) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new FlowFeatureAggregator(FlowAggregatorParams.defaults(), miniBatch), new FlowPacketKeySelector(),
                FlowPacketKey.TYPE);
    }

    private static KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> harness(
            boolean rocksdb) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new FlowFeatureAggregator(FlowAggregatorParams.defaults(), 1000), new FlowPacketKeySelector(),
                FlowPacketKey.TYPE);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> h,
            PacketEvent p) {
        try {
            h.processElement(new StreamRecord<>(FlowPacket.from(p), p.getTimestampMicros() / 1000));
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] ipv6(int last) {
        byte[] b = new byte[16];
        b[0] = 0x20;
        b[1] = 0x01;
        b[15] = (byte) last;
        return b;
    }

    private static PacketEvent packet(byte[] src, byte[] dst, int srcPort, int dstPort, long micros, int flags) {
        return PacketEvent.newBuilder()
                .setTimestampMicros(micros + S)
                .setSrcIp(ByteBuffer.wrap(src)).setDstIp(ByteBuffer.wrap(dst))
                .setSrcPort(srcPort).setDstPort(dstPort)
                .setProtocol(6).setIpVersion(src.length == 16 ? 6 : 4)
                .setLinkLength(60).setIpLength(46).setIpHeaderLength(20)
                .setL4HeaderLength(20).setPayloadLength(6)
                .setTcpFlags(flags).setTcpWindow(512)
                .build();
    }
}
