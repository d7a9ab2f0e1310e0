package io.flowpulse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.PortKeySelector;
import io.flowpulse.functions.PortSeriesResampler;
import io.flowpulse.functions.SideOutputs;
import io.flowpulse.ml.series.PortSeriesParams;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator's port counters through the {@link PortSeriesResampler}: wraps, resets and anomalies come out right. */
class SimulatedPortSeriesTest {
    private static final PortSeriesParams PARAMS = PortSeriesParams.defaults();
    private static TrafficSimulator sim;
    private static final Map<String, List<PortPoint>> bySeries = new HashMap<>();
    private static int lateSamples;

    @BeforeAll
    static void resample() throws Exception {
        sim = new TrafficSimulator(new SimulatorParams());
        List<PortSample> samples = new ArrayList<>();
        sim.generatePortSamples(samples::add);
        try (KeyedOneInputStreamOperatorTestHarness<String, PortSample, PortPoint> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new PortSeriesResampler(PARAMS),
                        new PortKeySelector(), Types.STRING)) {
            long end = 0;
            for (PortSample s : samples) {
                harness.processElement(new StreamRecord<>(s, s.getTimestampMillis()));
                harness.processWatermark(new Watermark(s.getTimestampMillis() - 60_000));
                end = s.getTimestampMillis();
            }
            harness.processWatermark(new Watermark(end + PARAMS.bucketMillis + PARAMS.allowedLatenessMillis));
            for (PortPoint p : harness.extractOutputValues()) {
                bySeries.computeIfAbsent(PortKeySelector.key(p.getDevice(), p.getPort(), p.getDirection()),
                        k -> new ArrayList<>()).add(p);
            }
            var late = harness.getSideOutput(SideOutputs.LATE_PORT_SAMPLES);
            lateSamples = late == null ? 0 : late.size();
        }
    }

    @Test
    void everySeriesHasOneBucketPerIntervalAndNothingIsLate() {
        SimulatorParams p = sim.params();
        assertEquals(p.devices * p.portsPerDevice * 2, bySeries.size());
        long buckets = p.portDuration.toMillis() / PARAMS.bucketMillis;
        for (List<PortPoint> points : bySeries.values()) {
            assertEquals(buckets, points.size());
            for (int i = 1; i < points.size(); i++) {
                assertEquals(points.get(i - 1).getBucketEndMillis(), points.get(i).getBucketStartMillis());
            }
        }
        assertEquals(0, lateSamples);
    }

    @Test
    void unwrappedCountersAddUpToTheSimulatedTraffic() {
        for (Map.Entry<String, List<PortPoint>> e : bySeries.entrySet()) {
            List<PortPoint> points = e.getValue();
            PortPoint first = points.get(0);
            double observed = 0;
            double expected = 0;
            for (PortPoint p : points.subList(1, points.size())) {
                if (!p.getCounterReset()) {
                    observed += p.getBytes();
                    expected += sim.expectedBytes(p.getDevice(), p.getPort(), p.getDirection(),
                            p.getBucketStartMillis(), p.getBucketEndMillis());
                }
            }
            double ratio = observed / expected;
            assertTrue(ratio > 0.95 && ratio < 1.05, e.getKey() + " observed/expected " + ratio + " first " + first);
        }
    }

    @Test
    void resetsAreFlaggedWhereInjectedAndAreNoSpikes() {
        assertFalse(sim.injectedCounterResets().isEmpty());
        for (Map.Entry<String, List<PortPoint>> e : bySeries.entrySet()) {
            for (PortPoint p : e.getValue()) {
                boolean injected = sim.injectedCounterResets().stream().anyMatch(r -> r.device().equals(p.getDevice())
                        && r.atMillis() >= p.getBucketStartMillis() - TrafficSimulator.POLL_INTERVAL_MILLIS
                        && r.atMillis() < p.getBucketEndMillis() + TrafficSimulator.POLL_INTERVAL_MILLIS);
                if (p.getCounterReset()) {
                    assertTrue(injected, "reset flagged without an injected reset: " + p);
                    double expected = sim.expectedBytes(p.getDevice(), p.getPort(), p.getDirection(),
                            p.getBucketStartMillis(), p.getBucketEndMillis());
                    assertTrue(p.getBytes() < 1.5 * expected, "a reset is not a spike: " + p + " expected " + expected);
                }
            }
        }
        for (InjectedCounterReset r : sim.injectedCounterResets()) {
            for (Map.Entry<String, List<PortPoint>> e : bySeries.entrySet()) {
                List<PortPoint> points = e.getValue();
                if (!points.get(0).getDevice().equals(r.device())) {
                    continue;
                }
                PortPoint at = points.stream().filter(p -> p.getBucketStartMillis() <= r.atMillis()
                        && r.atMillis() < p.getBucketEndMillis()).findFirst().orElseThrow();
                boolean flagged = points.stream().anyMatch(p -> p.getCounterReset()
                        && Math.abs(p.getBucketStartMillis() - at.getBucketStartMillis()) <= PARAMS.bucketMillis);
                double expected = sim.expectedBytes(at.getDevice(), at.getPort(), at.getDirection(),
                        at.getBucketStartMillis(), at.getBucketEndMillis());
                if (e.getKey().startsWith(r.device() + "|xe-")) {
                    assertTrue(flagged, "64-bit counters never wrap: every decrease is a reset " + e.getKey());
                }
                // a 32-bit reset just below 2^32 reads as a wrap; either way the bucket is no big spike
                assertTrue(at.getBytes() < 2 * expected, "no spike at " + r + " in " + e.getKey());
            }
        }
    }

    @Test
    void injectedAnomaliesShowInTheBuckets() {
        for (InjectedAnomaly a : sim.injectedAnomalies()) {
            double observed = 0;
            double baseline = 0;
            for (PortPoint p : bySeries.get(PortKeySelector.key(a.device(), a.port(), a.direction()))) {
                if (p.getBucketStartMillis() >= a.startMillis() && p.getBucketEndMillis() <= a.endMillis()) {
                    observed += p.getBytes();
                    baseline += sim.baselineBytes(a.device(), a.port(), a.direction(), p.getBucketStartMillis(),
                            p.getBucketEndMillis());
                }
            }
            if (baseline > 0) {
                double ratio = observed / baseline;
                assertTrue(ratio > 0.6 * a.factor() && ratio < 1.6 * a.factor(), a + " ratio " + ratio);
            }
        }
    }
}
