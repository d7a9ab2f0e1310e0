package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.detectors.RobustBandParams;
import io.flowpulse.ml.detectors.RobustBandState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class PortRobustBandDetectorTest {
    private static final Duration BUCKET = Duration.ofMillis(PortAnomalyDetectorTest.BUCKET);

    static KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> harness(PortDetectorFunction fn)
            throws Exception {
        return PortRcfDetectorTest.harness(fn);
    }

    static void feed(KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> h, int from, int to,
            Random random, int spike) throws Exception {
        PortRcfDetectorTest.feed(h, from, to, random, spike);
    }

    @Test
    void statePojoIsSmall() throws Exception {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RobustBandState.class);
        RobustBandState s = new RobustBandState();
        // two weeks of points: the daily profile and the week of same-hour means are full
        Random random = new Random(3);
        for (long t = 0; t < 15 * 86_400_000L; t += BUCKET.toMillis()) {
            io.flowpulse.ml.detectors.RobustBand.step(RobustBandParams.defaults(), BUCKET.toMillis(), s, t,
                    100 + random.nextGaussian());
        }
        assertTrue(s.hourMeans != null && s.profile != null);
        TypeSerializer<RobustBandState> serializer = TypeInformation.of(RobustBandState.class)
                .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(512);
        serializer.serialize(s, out);
        assertTrue(out.length() <= 2048, "state per key " + out.length() + " bytes");
        System.out.println("robust-band state per key: " + out.length() + " bytes");
    }

    @Test
    void flagsTheSpikeRestoresWithoutColdStartAndClearsWhenSilent() throws Exception {
        Duration ttl = Duration.ofDays(1);
        int spike = 48 * 5 + 10;
        OperatorSubtaskState snapshot;
        List<AnomalyScore> originalNext;
        PortRobustBandDetector fn = new PortRobustBandDetector(RobustBandParams.defaults(), BUCKET, ttl, 1, false);
        try (var h = harness(fn)) {
            h.open();
            feed(h, 0, 48 * 5, new Random(4), -1);
            snapshot = h.snapshot(0, 0);
            h.getOutput().clear();
            feed(h, 48 * 5, 48 * 5 + 11, new Random(5), spike);
            originalNext = h.extractOutputValues();
            AnomalyScore atSpike = originalNext.get(10);
            assertTrue(atSpike.getAnomalous(), atSpike.toString());
            assertEquals("robust-band", atSpike.getModelId().toString());
            assertTrue(atSpike.getLower() < atSpike.getExpected() && atSpike.getExpected() < atSpike.getUpper());
            assertEquals(1, h.numEventTimeTimers());
            assertEquals(2, h.numKeyedStateEntries(), "model + last-seen time");
            h.processWatermark(PortAnomalyDetectorTest.START + (48 * 5 + 11) * PortAnomalyDetectorTest.BUCKET
                    + ttl.toMillis());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
        try (var restored = harness(new PortRobustBandDetector(RobustBandParams.defaults(), BUCKET, ttl, 1, false))) {
            restored.initializeState(snapshot);
            restored.open();
            feed(restored, 48 * 5, 48 * 5 + 11, new Random(5), spike);
            assertEquals(originalNext, restored.extractOutputValues());
        }
    }

    @Test
    void gapFilledBucketsAreNotScoredUnlessAskedTo() throws Exception {
        try (var h = harness(new PortRobustBandDetector(RobustBandParams.defaults(), BUCKET))) {
            h.open();
            feed(h, 0, 48 * 3, new Random(6), -1);
            h.getOutput().clear();
            for (int i = 48 * 3; i < 48 * 4; i++) {
                PortPoint p = PortAnomalyDetectorTest.point("ge-0/0/9", i, 0);
                p.setFilled(true);
                p.setSampleCount(0);
                h.processElement(new StreamRecord<>(p, p.getBucketEndMillis()));
            }
            assertTrue(h.extractOutputValues().isEmpty(), "a silent port is not a stream of drops");
        }
        try (var h = harness(new PortRobustBandDetector(RobustBandParams.defaults(), BUCKET, Duration.ofDays(7), 1,
                true))) {
            h.open();
            feed(h, 0, 48 * 3, new Random(6), -1);
            h.getOutput().clear();
            PortPoint p = PortAnomalyDetectorTest.point("ge-0/0/9", 48 * 3, 0);
            p.setFilled(true);
            h.processElement(new StreamRecord<>(p, p.getBucketEndMillis()));
            List<AnomalyScore> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertTrue(out.get(0).getAnomalous(), "scored when detectors.score-filled-buckets is on");
        }
    }
}
