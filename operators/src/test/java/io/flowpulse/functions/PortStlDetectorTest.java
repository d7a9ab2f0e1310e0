package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.detectors.StlModel;
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
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class PortStlDetectorTest {
    static final Duration BUCKET = Duration.ofMinutes(30);

    static KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> harness(PortStlDetector fn)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), new PortPointKeySelector(), Types.STRING);
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> h, String port,
            int from, int to, Random random, int spike) throws Exception {
        for (int i = from; i < to; i++) {
            PortPoint p = PortAnomalyDetectorTest.point(port, i,
                    PortAnomalyDetectorTest.traffic(i, random) + (i == spike ? 1e6 : 0));
            h.processElement(new StreamRecord<>(p, p.getBucketEndMillis()));
            h.processWatermark(p.getBucketEndMillis());
        }
    }

    @Test
    void statePojos() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(StlModel.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PortStlDetector.StlSeriesState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(PortStlDetector.HistoryEntry.class);
    }

    @Test
    void fitsOnTheDailyTimerFlagsTheSpikeAndSurvivesRestore() throws Exception {
        int spike = 48 * 4 + 22;
        OperatorSubtaskState snapshot;
        List<AnomalyScore> originalNext;
        try (var h = harness(new PortStlDetector(BUCKET))) {
            h.open();
            feed(h, "ge-0/0/1", 0, 48 * 3, new Random(1), -1);
            List<AnomalyScore> firstDays = h.extractOutputValues();
            assertTrue(firstDays.stream().noneMatch(AnomalyScore::getAnomalous), "no flag before the first fit");
            assertEquals(2, h.numEventTimeTimers(), "one pending refit timer and one idle-TTL timer per key");
            snapshot = h.snapshot(0, 0);
            h.getOutput().clear();
            feed(h, "ge-0/0/1", 48 * 3, 48 * 5, new Random(2), spike);
            originalNext = h.extractOutputValues();
            assertFalse(Double.isNaN(originalNext.get(0).getLower()), "fitted at midnight of day 3");
            assertTrue(originalNext.get(spike - 48 * 3).getAnomalous());
            assertEquals(1, originalNext.stream().filter(AnomalyScore::getAnomalous).count(), originalNext.toString());
        }
        try (var restored = harness(new PortStlDetector(BUCKET))) {
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, "ge-0/0/1", 48 * 3, 48 * 5, new Random(2), spike);
            assertEquals(originalNext, restored.extractOutputValues());
        }
    }

    @Test
    void silentKeyIsCleared() throws Exception {
        Duration ttl = Duration.ofDays(2);
        try (var h = harness(new PortStlDetector(BUCKET, 7, 4.0, Duration.ofDays(1), ttl, 1))) {
            h.open();
            feed(h, "ge-0/0/1", 0, 48 * 4, new Random(1), -1);
            assertTrue(h.numKeyedStateEntries() > 0);
            h.processWatermark(PortAnomalyDetectorTest.START + 48 * 4 * BUCKET.toMillis() + ttl.toMillis()
                    + Duration.ofDays(1).toMillis());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
