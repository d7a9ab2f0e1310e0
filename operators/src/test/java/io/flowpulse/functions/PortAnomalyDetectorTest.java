package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.HoltWintersState;
import io.flowpulse.ml.detectors.SeasonalSlot;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PortAnomalyDetectorTest {
    static final long BUCKET = HoltWintersParams.DEFAULT_BUCKET_MILLIS;
    static final long DAY = HoltWintersParams.DAY_MILLIS;
    static final long START = 1_767_571_200_000L; // Monday 2026-01-05T00:00Z

    static PortPoint point(String port, int bucket, double bytes) {
        long start = START + bucket * BUCKET;
        return PortPoint.newBuilder()
                .setDevice("sw1").setPort(port).setDirection(Direction.IN)
                .setBucketStartMillis(start).setBucketEndMillis(start + BUCKET)
                .setBytes(bytes).setSampleCount(6).setFilled(false)
                .build();
    }

    static double traffic(int bucket, Random random) {
        double hour = (bucket % 48) / 2.0;
        return 1e6 + 4e5 * Math.sin(2 * Math.PI * (hour - 6) / 24) + 1e4 * random.nextGaussian();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> harness(
            PortAnomalyDetector fn) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), new PortPointKeySelector(), Types.STRING);
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> h, String port,
            int from, int to, Random random, int spikeBucket) throws Exception {
        for (int i = from; i < to; i++) {
            PortPoint p = point(port, i, traffic(i, random) + (i == spikeBucket ? 1e6 : 0));
            h.processElement(new StreamRecord<>(p, p.getBucketEndMillis() - 1));
            h.processWatermark(p.getBucketEndMillis() - 1);
        }
    }

    static List<AnomalyScore> scores(KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> h) {
        return h.extractOutputValues();
    }

    @Test
    void statePojosAreSerializedWithoutKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(HoltWintersState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeasonalSlot.class);
    }

    @Test
    void everyBucketIsScoredWithABandAndTheSpikeIsFlagged() throws Exception {
        try (var h = harness(new PortAnomalyDetector(HoltWintersParams.defaults()))) {
            h.open();
            int spike = 48 * 3 + 22;
            feed(h, "ge-0/0/1", 0, 48 * 4, new Random(1), spike);
            List<AnomalyScore> out = scores(h);
            assertEquals(48 * 4, out.size());
            for (int i = 0; i < 48; i++) {
                assertFalse(out.get(i).getAnomalous(), "warm-up");
                assertTrue(Double.isNaN(out.get(i).getLower()));
            }
            AnomalyScore s = out.get(spike);
            assertTrue(s.getAnomalous());
            assertTrue(s.getValue() > s.getUpper());
            assertEquals(START + (spike + 1) * BUCKET, s.getBucketEndMillis());
            assertEquals("holt-winters", s.getModelId());
            List<AnomalyScore> flagged = out.stream().filter(AnomalyScore::getAnomalous).collect(Collectors.toList());
            assertEquals(List.of(s), flagged);
            AnomalyScore normal = out.get(48 * 3 + 5);
            assertTrue(normal.getLower() < normal.getExpected() && normal.getExpected() < normal.getUpper());
            assertTrue(normal.getLower() <= normal.getValue() && normal.getValue() <= normal.getUpper());
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void restoredStateContinuesWithoutColdStart(boolean rocksdb) throws Exception {
        PortAnomalyDetector fn = new PortAnomalyDetector(HoltWintersParams.defaults());
        OperatorSubtaskState snapshot;
        List<AnomalyScore> originalNext;
        Random random = new Random(5);
        try (var original = harness(fn)) {
            if (rocksdb) {
                original.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            original.open();
            feed(original, "ge-0/0/1", 0, 48 * 3, random, -1);
            feed(original, "ge-0/0/2", 0, 48 * 3, new Random(6), -1);
            snapshot = original.snapshot(0, 0);
            original.getOutput().clear();
            feed(original, "ge-0/0/1", 48 * 3, 48 * 3 + 10, new Random(9), 48 * 3 + 4);
            originalNext = scores(original);
        }
        try (var restored = harness(new PortAnomalyDetector(HoltWintersParams.defaults()))) {
            if (rocksdb) {
                restored.setStateBackend(new EmbeddedRocksDBStateBackend());
            }
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, "ge-0/0/1", 48 * 3, 48 * 3 + 10, new Random(9), 48 * 3 + 4);
            List<AnomalyScore> restoredNext = scores(restored);
            assertEquals(originalNext, restoredNext);
            assertFalse(Double.isNaN(restoredNext.get(0).getLower()), "first band after restore is learned");
            assertTrue(restoredNext.get(4).getAnomalous());
        }
    }

    @Test
    void silentKeyIsClearedAfterTheTtl() throws Exception {
        Duration ttl = Duration.ofDays(2);
        try (var h = harness(new PortAnomalyDetector(HoltWintersParams.defaults(), 1, ttl))) {
            h.open();
            feed(h, "ge-0/0/1", 0, 48 * 2, new Random(2), -1);
            feed(h, "ge-0/0/2", 0, 10, new Random(3), -1);
            assertEquals(6, h.numKeyedStateEntries(), "scalars + slot map + last-seen time for each of 2 keys");
            assertEquals(2, h.numEventTimeTimers());
            // port 2 is silent from bucket 10; port 1 keeps talking until day 2
            h.processWatermark(START + 10 * BUCKET + ttl.toMillis());
            assertEquals(1, h.numEventTimeTimers());
            assertEquals(3, h.numKeyedStateEntries());
            h.processWatermark(START + 48 * 2 * BUCKET + ttl.toMillis());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }
}
