package io.flowpulse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.FlowPacketKeySelector;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.PacketEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Simulated packets through the flow aggregator: flows end the way the profiles end them. */
class SimulatedFlowsTest {
    @Test
    void simulatedPacketsAssembleIntoFinishedFlows() throws Exception {
        SimulatorParams params = new SimulatorParams().withPacketDuration(Duration.ofSeconds(20));
        List<PacketEvent> packets = new ArrayList<>();
        new TrafficSimulator(params).generatePackets(packets::add);
        Map<FlowTermination, Integer> terminations = new EnumMap<>(FlowTermination.class);
        try (KeyedOneInputStreamOperatorTestHarness<FlowPacketKey, FlowPacket, FlowFeatures> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new FlowFeatureAggregator(FlowAggregatorParams.defaults()),
                        new FlowPacketKeySelector(), FlowPacketKey.TYPE)) {
            harness.open();
            long watermark = Long.MIN_VALUE;
            for (PacketEvent p : packets) {
                harness.processElement(new StreamRecord<>(FlowPacket.from(p), p.getTimestampMicros() / 1000));
                long w = p.getTimestampMicros() / 1000 - 1;
                if (w > watermark + 100) {
                    harness.processWatermark(new Watermark(w));
                    watermark = w;
                }
            }
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            for (FlowFeatures f : harness.extractOutputValues()) {
                terminations.merge(f.getTermination(), 1, Integer::sum);
            }
            assertEquals(0, harness.getSideOutput(io.flowpulse.functions.SideOutputs.LATE_PACKETS) == null ? 0
                    : harness.getSideOutput(io.flowpulse.functions.SideOutputs.LATE_PACKETS).size());
        }
        // about 200 flows/s for 20 s: DNS and unfinished flows end by idle timeout, the rest by FIN or RST
        int flows = terminations.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(flows > 3_000, "flows " + terminations);
        assertTrue(terminations.getOrDefault(FlowTermination.FIN, 0) > 300, "FIN " + terminations);
        assertTrue(terminations.getOrDefault(FlowTermination.RST, 0) > 300, "RST (web aborts and scan probes) " + terminations);
        // flows still open when the input ends are emitted as END_OF_INPUT (before the idle timeout passed)
        assertTrue(terminations.getOrDefault(FlowTermination.IDLE_TIMEOUT, 0)
                + terminations.getOrDefault(FlowTermination.END_OF_INPUT, 0) > 1_000, "idle or open at end " + terminations);
    }
}
