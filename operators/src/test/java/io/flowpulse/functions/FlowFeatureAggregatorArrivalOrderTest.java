package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowFeatureNames;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: whether the watermark passes a flow's deadline before or after the flow's next packet
 * arrives depends on how fast the other input partitions are read, so both orders must give the
 * same flows (termination reason and direction included). Each case runs twice: the watermark just
 * below the last packet's time first, then the packet; and the packet with no watermark before it.
 */
class FlowFeatureAggregatorArrivalOrderTest {
    private static final byte[] CLIENT = {10, 0, 0, 1};
    private static final byte[] SERVER = {10, 0, 0, 2};
    private static final int FIN = 1, SYN = 2, ACK = 16;
    private static final long S = 1_000_000L;

    private static PacketEvent tcp(long micros, boolean fromClient, int flags) {
        return PacketEvent.newBuilder()
                .setTimestampMicros(micros)
                .setSrcIp(ByteBuffer.wrap(fromClient ? CLIENT : SERVER))
                .setDstIp(ByteBuffer.wrap(fromClient ? SERVER : CLIENT))
                .setSrcPort(fromClient ? 40_000 : 443).setDstPort(fromClient ? 443 : 40_000)
                .setProtocol(6).setIpVersion(4)
                .setLinkLength(54).setIpLength(40).setIpHeaderLength(20).setL4HeaderLength(20).setPayloadLength(0)
                .setTcpFlags(flags).setTcpWindow(1000)
                .build();
    }

    /** Flows as "termination src-port packets", in emission order. */
    private static List<String> run(List<PacketEvent> packets, boolean watermarkBeforeLast, int miniBatch) throws Exception {
        return run(packets, watermarkBeforeLast ? packets.get(packets.size() - 1).getTimestampMicros() / 1000 - 1 : Long.MIN_VALUE,
                miniBatch);
    }

    /** As above, with the watermark at {@code watermarkBeforeLast} (unless Long.MIN_VALUE) before the last packet. */
    private static List<String> run(List<PacketEvent> packets, long watermarkBeforeLast, int miniBatch) throws Exception {
        FlowFeatureAggregator operator = new FlowFeatureAggregator(FlowAggregatorParams.defaults(), miniBatch);
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures>(
                operator, new FlowPacketKeySelector(), FlowPacketKey.TYPE)) {
            harness.open();
            for (int i = 0; i < packets.size(); i++) {
                PacketEvent p = packets.get(i);
                long millis = p.getTimestampMicros() / 1000;
                if (i == packets.size() - 1 && watermarkBeforeLast != Long.MIN_VALUE) {
                    harness.processWatermark(new Watermark(watermarkBeforeLast));
                }
                harness.processElement(new StreamRecord<>(FlowPacket.from(p), millis));
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            List<String> out = new ArrayList<>();
            for (FlowFeatures f : harness.extractOutputValues()) {
                out.add(f.getTermination() + " " + f.getKey().getSrcPort() + " "
                        + f.getFeatures().get(FlowFeatureNames.BIDIRECTIONAL_PACKETS).intValue());
            }
            assertEquals(0, harness.numKeyedStateEntries(), "keyed state entries");
            assertEquals(0, harness.numEventTimeTimers(), "event-time timers");
            return out;
        }
    }

    private static void assertSameEitherWay(List<PacketEvent> packets, List<String> expected) throws Exception {
        for (int miniBatch : new int[] {1, FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS}) {
            assertEquals(expected, run(packets, true, miniBatch), "watermark first, mini-batch " + miniBatch);
            assertEquals(expected, run(packets, false, miniBatch), "packet first, mini-batch " + miniBatch);
        }
    }

    @Test
    void aClosedFlowsNextPacketAfterTheIdleTimeoutLeavesItClosedByFin() throws Exception {
        assertSameEitherWay(List.of(
                tcp(0, true, SYN), tcp(1_000, false, SYN | ACK), tcp(2_000, true, FIN | ACK), tcp(3_000, false, FIN | ACK),
                tcp(600 * S, true, SYN)), // the same 5-tuple ten minutes later
                List.of("FIN 40000 4", "END_OF_INPUT 40000 1"));
    }

    @Test
    void anActiveTimeoutBeforeTheIdleTimeoutEndsTheFlowAsActive() throws Exception {
        List<PacketEvent> packets = new ArrayList<>();
        for (long t = 0; t <= 1_780; t += 60) {
            packets.add(tcp(t * S, true, ACK));
        }
        packets.add(tcp(1_910 * S, false, ACK)); // 170 s idle, but the 1,800 s active timeout came first
        assertSameEitherWay(packets, List.of("ACTIVE_TIMEOUT 40000 30", "END_OF_INPUT 40000 1"));
    }

    /** 19 client packets, at most 100 s apart, from 0 to 1,790 s: one flow up to its active timeout. */
    private static List<PacketEvent> longFlowThen(PacketEvent next) {
        List<PacketEvent> packets = new ArrayList<>();
        for (long t = 0; t <= 1_700; t += 100) {
            packets.add(tcp(t * S, true, ACK));
        }
        packets.add(tcp(1_790 * S, true, ACK));
        packets.add(next);
        return packets;
    }

    @Test
    void aContinuationAfterItsMarkerExpiredTakesTheDirectionOfItsOwnFirstPacket() throws Exception {
        // past the active timeout (1,800 s) and the continuation marker's idle timeout (1,920 s)
        List<String> expected = List.of("ACTIVE_TIMEOUT 40000 19", "END_OF_INPUT 443 1");
        assertSameEitherWay(longFlowThen(tcp(2_000 * S, false, ACK)), expected);
        // the watermark past the active timeout only: the marker is still there when the packet comes
        assertEquals(expected, run(longFlowThen(tcp(2_000 * S, false, ACK)), 1_850_000L, 1), "marker not yet expired");
    }

    @Test
    void aContinuationWithinItsMarkerKeepsTheDirection() throws Exception {
        assertSameEitherWay(longFlowThen(tcp(1_830 * S, false, ACK)), List.of("ACTIVE_TIMEOUT 40000 19", "END_OF_INPUT 40000 1"));
    }
}
