package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.detectors.RobustBandParams;
import io.flowpulse.ml.series.PortSeriesParams;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * A port that goes silent: the resampler emits its gap-filled buckets and one no-data signal; the
 * default detector scores none of them (no "drops", no alert); both operators' state and timers
 * are back to zero after their TTLs.
 */
class SilentPortTest {
    private static final long MIN = 60_000L;
    private static final long BUCKET = 30 * MIN;
    private static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();

    @Test
    void aSilentPortIsOneNoDataSignalNotAStreamOfDrops() throws Exception {
        PortSeriesParams params = PortSeriesParams.defaults().withBucketMillis(BUCKET);
        Duration detectorTtl = Duration.ofDays(3);
        try (KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint> resampler =
                        ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PortSeriesResampler(params),
                                new PortKeySelector(), Types.STRING);
                KeyedOneInputStreamOperatorTestHarness<String, PortPoint, AnomalyScore> detector =
                        PortRobustBandDetectorTest.harness(new PortRobustBandDetector(RobustBandParams.defaults(),
                                Duration.ofMillis(BUCKET), detectorTtl, 1, false))) {
            resampler.open();
            detector.open();
            // four days of traffic, one DELTA sample every 5 minutes, then silence
            Random random = new Random(3);
            long end = T0 + 4 * 86_400_000L;
            for (long t = T0; t < end; t += 5 * MIN) {
                double hour = (t - T0) % 86_400_000L / 3_600_000.0;
                long bytes = (long) (1e6 + 4e5 * Math.sin(2 * Math.PI * hour / 24) + 1e4 * random.nextGaussian());
                PortSample s = PortSample.newBuilder().setDevice("sw1").setPort("ge-0/0/1").setDirection(Direction.IN)
                        .setTimestampMillis(t).setKind(SampleKind.DELTA).setBytes(bytes).setCounterBits(64).build();
                resampler.processElement(new StreamRecord<>(s, t));
                resampler.processWatermark(new Watermark(t - params.allowedLatenessMillis));
            }
            long cleanup = end + params.stateTtlMillis + detectorTtl.toMillis();
            resampler.processWatermark(new Watermark(cleanup));
            List<PortPoint> points = resampler.extractOutputValues();
            long filled = points.stream().filter(PortPoint::getFilled).count();
            assertTrue(filled >= params.stateTtlMillis / BUCKET - 2, "the silence is gap-filled: " + filled);
            var noData = new java.util.ArrayList<>(resampler.getSideOutput(SideOutputs.NO_DATA) == null
                    ? new ConcurrentLinkedQueue<StreamRecord<Alert>>() : resampler.getSideOutput(SideOutputs.NO_DATA));
            assertEquals(1, noData.size(), "one no-data signal for the whole silence");
            Alert signal = noData.get(0).getValue();
            assertEquals(PortSeriesResampler.NO_DATA_MODEL_ID, signal.getModelId().toString());
            assertTrue(signal.getFirstBucketMillis() >= end - BUCKET, "starts at the first empty bucket");

            for (PortPoint p : points) {
                detector.processElement(new StreamRecord<>(p, p.getBucketEndMillis()));
                detector.processWatermark(new Watermark(p.getBucketEndMillis()));
            }
            List<AnomalyScore> scores = detector.extractOutputValues();
            assertEquals(points.size() - filled, scores.size(), "gap-filled buckets are not scored");
            assertTrue(scores.stream().noneMatch(s -> s.getBucketEndMillis() > end + BUCKET && s.getAnomalous()),
                    "no flagged point from the silence");
            detector.processWatermark(new Watermark(cleanup));

            assertEquals(0, resampler.numKeyedStateEntries());
            assertEquals(0, resampler.numEventTimeTimers());
            assertEquals(0, detector.numKeyedStateEntries());
            assertEquals(0, detector.numEventTimeTimers());
        }
    }
}
