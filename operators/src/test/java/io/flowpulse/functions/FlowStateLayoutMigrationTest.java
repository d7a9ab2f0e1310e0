package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Savepoints of the shipped job restore after a {@link FlowStateSerializer} layout change: the
 * snapshots in {@code src/test/resources/flow-state-layout-1/} were written by the flow operator
 * with layout 1 (the code before issue 17's first-bytes input, commit 13febc8, by
 * {@link #main} with the directory as argument); the current
 * operator restores them on heap and RocksDB and finishes the open flows exactly as an
 * uninterrupted run does.
 */
class FlowStateLayoutMigrationTest {
    private static final long S = 1_000_000L;
    private static final String DIR = "flow-state-layout-1";

    /** 5 TCP flows (one IPv6), 40 packets each: the first 20 before the snapshot, the rest after. */
    static List<List<PacketEvent>> traffic() {
        List<PacketEvent> before = new ArrayList<>();
        List<PacketEvent> after = new ArrayList<>();
        for (int c = 0; c < 5; c++) {
            byte[] client = c == 4 ? v6(10) : new byte[] {10, 0, 0, (byte) (10 + c)};
            byte[] server = c == 4 ? v6(1) : new byte[] {10, 0, 1, 1};
            for (int i = 0; i < 40; i++) {
                boolean fwd = i % 3 != 1;
                PacketEvent p = PacketEvent.newBuilder()
                        .setTimestampMicros(i * 10_000L + c + S)
                        .setSrcIp(ByteBuffer.wrap(fwd ? client : server)).setDstIp(ByteBuffer.wrap(fwd ? server : client))
                        .setSrcPort(fwd ? 40_000 + c : 443).setDstPort(fwd ? 443 : 40_000 + c)
                        .setProtocol(6).setIpVersion(client.length == 16 ? 6 : 4)
                        .setLinkLength(60 + i).setIpLength(46 + i).setIpHeaderLength(20).setL4HeaderLength(20)
                        .setPayloadLength(i * 7 % 300).setTcpFlags(i == 0 ? 2 : 16).setTcpWindow(1000 + i)
                        .setSourceId("layout-1.pcap").build();
                (i < 20 ? before : after).add(p);
            }
        }
        return List.of(before, after);
    }

    private static byte[] v6(int last) {
        byte[] b = new byte[16];
        b[0] = 0x20;
        b[1] = 0x01;
        b[15] = (byte) last;
        return b;
    }

    static KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> harness(boolean rocksdb)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new FlowFeatureAggregator(FlowAggregatorParams.defaults(), 1000), new FlowPacketKeySelector(),
                FlowPacketKey.TYPE);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> h, PacketEvent p)
            throws Exception {
        h.processElement(new StreamRecord<>(FlowPacket.from(p), p.getTimestampMicros() / 1000));
    }

    private static String file(boolean rocksdb) {
        return (rocksdb ? "rocksdb" : "heap") + ".snapshot";
    }

    /**
     * Writes the snapshots into the directory {@code args[0]} (run once with the old code, from the IDE or
     * {@code java -cp <test classpath> io.flowpulse.functions.FlowStateLayoutMigrationTest DIR}); a
     * generator, not a test, so the suite has no skipped test.
     */
    public static void main(String[] args) throws Exception {
        String dir = args[0];
        for (boolean rocksdb : new boolean[] {false, true}) {
            try (var h = harness(rocksdb)) {
                h.open();
                for (PacketEvent p : traffic().get(0)) {
                    send(h, p);
                }
                h.prepareSnapshotPreBarrier(1);
                OperatorSnapshotUtil.writeStateHandle(h.snapshot(1, 1), Path.of(dir, file(rocksdb)).toString());
            }
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void aSnapshotWrittenWithLayout1RestoresAndFinishesTheFlows(boolean rocksdb) throws Exception {
        List<List<PacketEvent>> traffic = traffic();
        List<FlowFeatures> uninterrupted;
        try (var h = harness(rocksdb)) {
            h.open();
            for (List<PacketEvent> part : traffic) {
                for (PacketEvent p : part) {
                    send(h, p);
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            uninterrupted = h.extractOutputValues();
        }
        Path snapshotFile = Path.of(getClass().getResource("/" + DIR + "/" + file(rocksdb)).toURI());
        assertTrue(Files.size(snapshotFile) > 0);
        OperatorSubtaskState old = OperatorSnapshotUtil.readStateHandle(snapshotFile.toString());
        try (var h = harness(rocksdb)) {
            h.initializeState(old);
            h.open();
            if (!rocksdb) {
                assertEquals(5, h.numKeyedStateEntries(), "the 5 open flows came back");
            }
            for (PacketEvent p : traffic.get(1)) {
                send(h, p);
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<FlowFeatures> restored = h.extractOutputValues();
            assertEquals(5, restored.size());
            assertEquals(uninterrupted, restored);
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
