package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowFeatureNames;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FlowFeatureAggregatorTest {
    private static final byte[] CLIENT = {10, 0, 0, 1};
    private static final byte[] SERVER = {10, 0, 0, 2};
    private static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;
    private static final long S = 1_000_000L;

    private KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> harness;
    private FlowFeatureAggregator operator;
    /** Flows buffered between state writes; every test runs with write-through (1) and a mini-batch. */
    int miniBatchFlows = FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS;

    private void open(FlowAggregatorParams params) throws Exception {
        operator = new FlowFeatureAggregator(params, miniBatchFlows);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, new FlowPacketKeySelector(), FlowPacketKey.TYPE);
        harness.open();
    }

    private void open() throws Exception {
        open(FlowAggregatorParams.defaults());
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static PacketEvent tcp(long micros, boolean fromClient, int flags, int payload) {
        return PacketEvent.newBuilder()
                .setTimestampMicros(micros)
                .setSrcIp(ByteBuffer.wrap(fromClient ? CLIENT : SERVER))
                .setDstIp(ByteBuffer.wrap(fromClient ? SERVER : CLIENT))
                .setSrcPort(fromClient ? 40_000 : 443).setDstPort(fromClient ? 443 : 40_000)
                .setProtocol(6).setIpVersion(4)
                .setLinkLength(54 + payload).setIpLength(40 + payload).setIpHeaderLength(20)
                .setL4HeaderLength(20).setPayloadLength(payload)
                .setTcpFlags(flags).setTcpWindow(fromClient ? 1000 : 2000)
                .build();
    }

    private void send(PacketEvent p) throws Exception {
        harness.processElement(new StreamRecord<>(FlowPacket.from(p), p.getTimestampMicros() / 1000));
    }

    private List<FlowFeatures> flows() {
        return harness.extractOutputValues();
    }

    private static double f(FlowFeatures flow, String name) {
        return flow.getFeatures().get(name);
    }

    private void assertStateAndTimersAtZero() {
        assertEquals(0, operator.pendingFlows(), "flows buffered in the mini-batch");
        assertEquals(0, harness.numKeyedStateEntries(), "keyed state entries");
        assertEquals(0, harness.numEventTimeTimers(), "event-time timers");
    }

    @Test
    void finInBothDirectionsThenClosingAckIsOneFlow() throws Exception {
        open();
        send(tcp(0, true, SYN, 0));
        send(tcp(1_000, false, SYN | ACK, 0));
        send(tcp(2_000, true, ACK, 0));
        send(tcp(3_000, true, PSH | ACK, 100));
        send(tcp(4_000, false, FIN | ACK, 0));
        assertEquals(0, flows().size());
        send(tcp(5_000, true, FIN | ACK, 0));
        send(tcp(6_000, false, ACK, 0)); // the closing ACK
        send(tcp(7_000, true, FIN | ACK, 0)); // a retransmitted FIN still belongs to the connection
        assertEquals(0, flows().size(), "a closed flow lingers for the closing timeout");
        harness.processWatermark(new Watermark(2_000));
        assertEquals(0, flows().size());
        harness.processWatermark(new Watermark(5_001 + 2_000));
        List<FlowFeatures> out = flows();
        assertEquals(1, out.size());
        FlowFeatures flow = out.get(0);
        assertEquals(FlowTermination.FIN, flow.getTermination());
        assertEquals(8, f(flow, FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        assertEquals(8 * 54 + 100, f(flow, FlowFeatureNames.BIDIRECTIONAL_BYTES));
        assertEquals(5, f(flow, FlowFeatureNames.SRC2DST_PACKETS));
        assertEquals(3, f(flow, FlowFeatureNames.FIN_FLAG_COUNT));
        assertEquals(1000, f(flow, FlowFeatureNames.FWD_INIT_WIN_BYTES));
        assertEquals(2000, f(flow, FlowFeatureNames.BWD_INIT_WIN_BYTES));
        assertEquals(40_000, flow.getKey().getSrcPort(), "first packet defines the forward direction");
        assertEquals(0, flow.getStartMicros());
        assertEquals(7_000, flow.getEndMicros());
        assertStateAndTimersAtZero();
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(1, flows().size(), "no residual flow");
    }

    @Test
    void packetAfterTheLingerStartsANewFlow() throws Exception {
        open();
        send(tcp(0, true, FIN | ACK, 0));
        send(tcp(1_000, false, FIN | ACK, 0));
        send(tcp(10 * S, true, ACK, 0)); // watermark lagging: the packet itself ends the closed flow
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.FIN, flows().get(0).getTermination());
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(2, flows().size());
        assertStateAndTimersAtZero();
    }

    @Test
    void finInBothDirectionsWithoutClosingAckEndsAtTheClosingTimeout() throws Exception {
        open();
        send(tcp(0, true, SYN, 0));
        send(tcp(1_000, true, FIN | ACK, 0));
        send(tcp(2_000, false, FIN | ACK, 0));
        harness.processWatermark(new Watermark(1_000));
        assertEquals(0, flows().size());
        harness.processWatermark(new Watermark(2_100));
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.FIN, flows().get(0).getTermination());
        assertEquals(3, f(flows().get(0), FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        assertStateAndTimersAtZero();
    }

    @Test
    void synOnAClosingFlowStartsANewFlow() throws Exception {
        open();
        send(tcp(0, true, FIN | ACK, 0));
        send(tcp(1_000, false, FIN | ACK, 0));
        send(tcp(2_000, true, SYN, 0));
        assertEquals(1, flows().size());
        assertEquals(2, f(flows().get(0), FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(2, flows().size());
        assertEquals(FlowTermination.END_OF_INPUT, flows().get(1).getTermination());
        assertStateAndTimersAtZero();
    }

    @Test
    void rstClosesTheFlowAndItsStragglersStayInIt() throws Exception {
        open();
        send(tcp(0, true, SYN, 0));
        send(tcp(1_000, false, RST | ACK, 0));
        send(tcp(1_500, false, RST, 0));        // RST storm
        send(tcp(1_600, true, ACK, 20));        // data in flight
        assertEquals(0, flows().size());
        harness.processWatermark(new Watermark(3_002));
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.RST, flows().get(0).getTermination());
        assertEquals(4, f(flows().get(0), FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        assertEquals(2, f(flows().get(0), FlowFeatureNames.RST_FLAG_COUNT));
        assertStateAndTimersAtZero();
    }

    @Test
    void idleTimeoutFiresFromTheWatermarkWithoutFurtherPackets() throws Exception {
        open();
        send(tcp(0, true, ACK, 10));
        send(tcp(1 * S, false, ACK, 10));
        harness.processWatermark(new Watermark(100_000));
        assertEquals(0, flows().size());
        harness.processWatermark(new Watermark(121_001));
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.IDLE_TIMEOUT, flows().get(0).getTermination());
        assertStateAndTimersAtZero();
    }

    @Test
    void idleGapSeenByAPacketSplitsTheFlow() throws Exception {
        open();
        send(tcp(0, true, ACK, 10));
        send(tcp(120 * S, false, ACK, 10)); // now - last >= idle
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.IDLE_TIMEOUT, flows().get(0).getTermination());
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(2, flows().size());
        assertEquals(443, flows().get(1).getKey().getSrcPort(), "after an idle split the next packet decides");
        assertStateAndTimersAtZero();
    }

    @Test
    void activeTimeoutSplitKeepsTheDirection() throws Exception {
        open(new FlowAggregatorParams(120 * S, 60 * S, 5 * S, 30));
        for (long t = 0; t < 60; t += 10) {
            send(tcp(t * S, true, ACK, 10));
        }
        send(tcp(60 * S, false, ACK, 10)); // backward packet at the active timeout
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.ACTIVE_TIMEOUT, flows().get(0).getTermination());
        assertEquals(6, f(flows().get(0), FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        FlowFeatures continuation = flows().get(1);
        assertEquals(40_000, continuation.getKey().getSrcPort(), "continuation keeps the client as source");
        assertEquals(1, f(continuation, FlowFeatureNames.DST2SRC_PACKETS));
        assertStateAndTimersAtZero();
    }

    @Test
    void activeTimeoutFromTheTimerKeepsTheDirectionAndTheMarkerExpires() throws Exception {
        open(new FlowAggregatorParams(120 * S, 60 * S, 5 * S, 30));
        for (long t = 0; t <= 50; t += 10) {
            send(tcp(t * S, true, ACK, 10));
        }
        harness.processWatermark(new Watermark(61_000));
        assertEquals(1, flows().size());
        assertEquals(FlowTermination.ACTIVE_TIMEOUT, flows().get(0).getTermination());
        send(tcp(62 * S, false, ACK, 10));
        harness.processWatermark(new Watermark(300_000));
        assertEquals(2, flows().size());
        assertEquals(40_000, flows().get(1).getKey().getSrcPort());
        // the continuation (start 62 s) reaches its own active timeout at 122 s; its marker expires at 242 s
        assertEquals(FlowTermination.ACTIVE_TIMEOUT, flows().get(1).getTermination());
        assertStateAndTimersAtZero();

        // a marker that never sees a packet is cleared by its own timer
        for (long t = 400; t <= 450; t += 10) {
            send(tcp(t * S, true, ACK, 10));
        }
        harness.processWatermark(new Watermark(461_000));
        assertEquals(3, flows().size());
        assertTrue(harness.numKeyedStateEntries() > 0, "continuation marker");
        harness.processWatermark(new Watermark(700_000));
        assertEquals(3, flows().size());
        assertStateAndTimersAtZero();
    }

    @Test
    void zeroDurationFlowAtEndOfInput() throws Exception {
        open();
        send(tcp(5 * S, true, SYN, 0));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        FlowFeatures flow = flows().get(0);
        assertEquals(FlowTermination.END_OF_INPUT, flow.getTermination());
        assertEquals(0, f(flow, FlowFeatureNames.FLOW_DURATION_US));
        assertEquals(0, f(flow, FlowFeatureNames.FLOW_BYTES_PER_S));
        assertEquals(0, f(flow, FlowFeatureNames.FLOW_PACKETS_PER_S));
        for (double v : flow.getFeatures().values()) {
            assertTrue(Double.isFinite(v));
        }
        assertStateAndTimersAtZero();
    }

    @Test
    void outOfOrderPacketsAheadOfTheWatermarkJoinTheFlow() throws Exception {
        open();
        send(tcp(3_000, true, ACK, 10));
        send(tcp(1_000, false, ACK, 20));
        send(tcp(2_000, true, ACK, 30));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        FlowFeatures flow = flows().get(0);
        assertEquals(3, f(flow, FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        assertEquals(40_000, flow.getKey().getSrcPort(), "first packet processed defines the direction");
        assertEquals(0, f(flow, FlowFeatureNames.FLOW_IAT_MIN_US));
        assertEquals(0, harness.getSideOutput(SideOutputs.LATE_PACKETS) == null ? 0
                : harness.getSideOutput(SideOutputs.LATE_PACKETS).size());
        assertStateAndTimersAtZero();
    }

    @Test
    void latePacketsGoToTheSideOutput() throws Exception {
        open();
        send(tcp(20 * S, true, ACK, 10));
        harness.processWatermark(new Watermark(10_000));
        send(tcp(5 * S, false, ACK, 10));
        ConcurrentLinkedQueue<StreamRecord<FlowPacket>> late = harness.getSideOutput(SideOutputs.LATE_PACKETS);
        assertEquals(1, late.size());
        assertEquals(5 * S, late.peek().getValue().timestampMicros);
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(1, f(flows().get(0), FlowFeatureNames.BIDIRECTIONAL_PACKETS));
        assertStateAndTimersAtZero();
    }

    @Test
    void firstPacketsAreKeptUpToN() throws Exception {
        open(new FlowAggregatorParams(120 * S, 1800 * S, 5 * S, 3));
        send(tcp(0, true, SYN, 0));
        send(tcp(1_500, false, SYN | ACK, 0));
        send(tcp(4_000, true, ACK, 100));
        send(tcp(9_000, false, ACK, 200));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        FlowFeatures flow = flows().get(0);
        assertEquals(List.of(40, 40, 140), flow.getFirstPacketSizes());
        assertEquals(List.of(1, -1, 1), flow.getFirstPacketDirections());
        assertEquals(List.of(0L, 1_500L, 2_500L), flow.getFirstPacketIatMicros());
        assertArrayEquals(new Object[] {4.0}, new Object[] {f(flow, FlowFeatureNames.BIDIRECTIONAL_PACKETS)});
        assertStateAndTimersAtZero();
    }

    @Test
    void manyFlowsAllEmittedAndCleared() throws Exception {
        open();
        for (int i = 0; i < 50; i++) {
            PacketEvent p = tcp(i * 1_000L, true, ACK, 1);
            p.setSrcPort(10_000 + i);
            send(p);
        }
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(50, flows().size());
        assertStateAndTimersAtZero();
    }

    /** A packet whose captured bytes are its IP header (20 bytes of 0x45) then transport bytes 0, 1, 2, ... */
    private static PacketEvent withBytes(PacketEvent p, int transportBytes) {
        byte[] b = new byte[20 + transportBytes];
        java.util.Arrays.fill(b, 0, 20, (byte) 0x45);
        for (int i = 0; i < transportBytes; i++) {
            b[20 + i] = (byte) (i + p.getPayloadLength());
        }
        p.setHeaderBytes(ByteBuffer.wrap(b));
        return p;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void firstBytesOffKeepNothingEvenWhenPacketsCarryBytes() throws Exception {
        open();
        send(withBytes(tcp(0, true, SYN, 0), 40));
        send(withBytes(tcp(1_000, false, SYN | ACK, 0), 40));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(List.of(), flows().get(0).getFirstPacketBytes());
        assertStateAndTimersAtZero();
    }

    @Test
    void firstBytesOnKeepTheTransportBytesOfTheFirstPacketsBounded() throws Exception {
        open(FlowAggregatorParams.defaults().withFirstBytes(3, 16));
        send(withBytes(tcp(0, true, SYN, 0), 40));        // 40 transport bytes captured: first 16 kept
        send(withBytes(tcp(1_000, false, SYN | ACK, 1), 8)); // short capture: all 8
        send(tcp(2_000, true, ACK, 2));                    // no bytes captured: empty entry, keeps alignment
        send(withBytes(tcp(3_000, true, ACK, 3), 40));    // 4th packet: not kept
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        FlowFeatures flow = flows().get(0);
        List<ByteBuffer> b = flow.getFirstPacketBytes();
        assertEquals(3, b.size());
        byte[] first = new byte[16];
        for (int i = 0; i < 16; i++) {
            first[i] = (byte) i;
        }
        assertArrayEquals(first, bytes(b.get(0)));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, bytes(b.get(1)));
        assertArrayEquals(new byte[0], bytes(b.get(2)));
        assertEquals(4, flow.getFirstPacketSizes().size());
        assertStateAndTimersAtZero();
    }

    @Test
    void firstBytesSurviveASnapshotAndRestore() throws Exception {
        FlowAggregatorParams params = FlowAggregatorParams.defaults().withFirstBytes(5, 64);
        open(params);
        send(withBytes(tcp(0, true, SYN, 0), 100));
        harness.prepareSnapshotPreBarrier(1);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        operator = new FlowFeatureAggregator(params, miniBatchFlows);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, new FlowPacketKeySelector(), FlowPacketKey.TYPE);
        harness.initializeState(snapshot);
        harness.open();
        send(withBytes(tcp(1_000, false, SYN | ACK, 1), 10));
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<ByteBuffer> b = flows().get(0).getFirstPacketBytes();
        assertEquals(2, b.size());
        assertEquals(64, b.get(0).remaining());
        assertEquals(10, b.get(1).remaining());
        assertStateAndTimersAtZero();
    }

}
