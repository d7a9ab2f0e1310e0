package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class PortRcfDetectorTest {

    static KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> harness(PortDetectorFunction fn)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), new PortPointKeySelector(), Types.STRING);
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> h, int from, int to,
            Random random, int spike) throws Exception {
        for (int i = from; i < to; i++) {
            PortPoint p = PortAnomalyDetectorTest.point("ge-0/0/9", i,
                    PortAnomalyDetectorTest.traffic(i, random) + (i == spike ? 2e6 : 0));
            h.processElement(new StreamRecord<>(p, p.getBucketEndMillis()));
            h.processWatermark(p.getBucketEndMillis());
        }
    }

    @Test
    void flagsTheSpikeRestoresWithoutColdStartAndClearsWhenSilent() throws Exception {
        Duration ttl = Duration.ofDays(1);
        int spike = 48 * 5 + 10;
        OperatorSubtaskState snapshot;
        AnomalyScore originalAtSpike;
        try (var h = harness(new PortRcfDetector(ttl, 1))) {
            h.open();
            feed(h, 0, 48 * 5, new Random(4), -1);
            snapshot = h.snapshot(0, 0);
            h.getOutput().clear();
            feed(h, 48 * 5, 48 * 5 + 11, new Random(5), spike);
            List<AnomalyScore> out = h.extractOutputValues();
            originalAtSpike = out.get(10);
            assertTrue(originalAtSpike.getAnomalous(), originalAtSpike.toString());
            assertEquals("random-cut-forest", originalAtSpike.getModelId().toString());
            assertEquals(1, h.numEventTimeTimers());
            h.processWatermark(PortAnomalyDetectorTest.START + (48 * 5 + 11) * PortAnomalyDetectorTest.BUCKET
                    + ttl.toMillis());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
        try (var restored = harness(new PortRcfDetector(ttl, 1))) {
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, 48 * 5, 48 * 5 + 11, new Random(5), spike);
            List<AnomalyScore> out = restored.extractOutputValues();
            assertFalse(Double.isNaN(out.get(0).getLower()), "first band after restore comes from the restored forest");
            assertTrue(out.get(10).getAnomalous());
        }
    }
}
