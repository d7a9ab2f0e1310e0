package io.flowpulse.ml.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HoltWintersTest {
    static final long BUCKET = HoltWintersParams.DEFAULT_BUCKET_MILLIS;
    static final long DAY = HoltWintersParams.DAY_MILLIS;
    /** Monday 2026-01-05T00:00Z. */
    static final long START = 1_767_571_200_000L;

    /** Daily sine around 1000 with lower weekends and Gaussian noise (sigma 10). */
    static double traffic(long t, Random random) {
        return traffic(t, random, 0);
    }

    static double traffic(long t, Random random, double weekendDrop) {
        double hour = (Math.floorMod(t, DAY)) / 3_600_000.0;
        long day = Math.floorDiv(t - START, DAY);
        double weekend = Math.floorMod(day, 7) >= 5 ? -weekendDrop : 0;
        return 1000 + 400 * Math.sin(2 * Math.PI * (hour - 6) / 24) + weekend + 10 * random.nextGaussian();
    }

    static List<DetectorResult> run(AnomalyDetector detector, int buckets, Map<Integer, Double> injected) {
        Random random = new Random(42);
        List<DetectorResult> out = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            long t = START + i * BUCKET;
            double v = traffic(t, random) + injected.getOrDefault(i, 0.0);
            out.add(detector.update(t, v));
        }
        return out;
    }

    @Test
    void nothingIsFlaggedWhileTheFirstSeasonIsLearned() {
        List<DetectorResult> r = run(new HoltWinters(HoltWintersParams.defaults()), 48, Map.of(10, 5000.0));
        assertTrue(r.stream().noneMatch(DetectorResult::anomalous));
        assertTrue(r.stream().noneMatch(DetectorResult::warm));
        assertTrue(Double.isNaN(r.get(10).lower()));
    }

    @Test
    void injectedSpikeIsFlaggedAndCleanWeeksAreNot() {
        int spike = 48 * 17 + 20; // day 17, 10:00
        List<DetectorResult> r = run(new HoltWinters(HoltWintersParams.defaults()), 48 * 21, Map.of(spike, 600.0));
        DetectorResult s = r.get(spike);
        assertTrue(s.anomalous(), "spike " + s);
        assertTrue(s.value() > s.upper());
        assertTrue(s.score() > HoltWintersParams.defaults().delta);
        // the third week is clean: weekends known from the weekly correction (weekend drop learned by the weekly correction)
        for (int i = 48 * 14; i < 48 * 21; i++) {
            if (i != spike) {
                assertFalse(r.get(i).anomalous(), "clean bucket " + i + " " + r.get(i));
            }
        }
        // the band is tight and holds the value: expected tracks the seasonal curve
        DetectorResult clean = r.get(spike + 48);
        assertTrue(clean.lower() <= clean.value() && clean.value() <= clean.upper());
        assertTrue(clean.upper() - clean.lower() < 300, "band width " + (clean.upper() - clean.lower()));
        assertEquals(clean.value(), clean.expected(), 40);
    }

    @Test
    void weekendDropIsLearnedByTheWeeklyCorrection() {
        HoltWinters hw = new HoltWinters(HoltWintersParams.defaults());
        Random random = new Random(3);
        int flaggedFirstWeekend = 0;
        int flaggedLaterWeeks = 0;
        int spike = 48 * 26 + 20; // a Saturday in week 4
        boolean spikeFlagged = false;
        for (int i = 0; i < 48 * 28; i++) {
            long t = START + i * BUCKET;
            double v = traffic(t, random, 300) + (i == spike ? 600 : 0);
            DetectorResult r = hw.update(t, v);
            if (i == spike) {
                spikeFlagged = r.anomalous();
            } else if (i >= 48 * 5 && i < 48 * 7 && r.anomalous()) {
                flaggedFirstWeekend++;
            } else if (i >= 48 * 14 && r.anomalous()) {
                flaggedLaterWeeks++;
            }
        }
        assertTrue(spikeFlagged);
        assertTrue(flaggedFirstWeekend > 5, "an unseen weekend drop is flagged: " + flaggedFirstWeekend);
        assertTrue(flaggedLaterWeeks <= 48 * 14 / 50, "weeks 3-4 under 2% flagged: " + flaggedLaterWeeks);
    }

    @Test
    void spikeDoesNotPolluteTheModel() {
        int spike = 48 * 10 + 20;
        Map<Integer, Double> injected = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            injected.put(spike + i, 3000.0);
        }
        List<DetectorResult> r = run(new HoltWinters(HoltWintersParams.defaults()), 48 * 12, injected);
        for (int i = 0; i < 6; i++) {
            assertTrue(r.get(spike + i).anomalous(), "sustained anomaly bucket " + i);
        }
        // the same hours next day are normal again
        for (int i = 0; i < 6; i++) {
            assertFalse(r.get(spike + 48 + i).anomalous());
        }
    }

    @Test
    void failureWindowNeedsRepeatedViolations() {
        HoltWintersParams p = HoltWintersParams.defaults().withFailures(3, 2);
        int spike = 48 * 9 + 20;
        List<DetectorResult> single = run(new HoltWinters(p), 48 * 10, Map.of(spike, 600.0));
        assertFalse(single.get(spike).anomalous());
        List<DetectorResult> twice = run(new HoltWinters(p), 48 * 10, Map.of(spike, 600.0, spike + 1, 600.0));
        assertFalse(twice.get(spike).anomalous());
        assertTrue(twice.get(spike + 1).anomalous());
    }

    @Test
    void encodedModelContinuesExactly() {
        HoltWinters original = new HoltWinters(HoltWintersParams.defaults());
        run(original, 48 * 9, Map.of());
        byte[] bytes = original.encode();
        HoltWinters copy = HoltWinters.decode(bytes);
        assertEquals(original.state(), copy.state());
        long t = START + 48 * 9 * BUCKET;
        for (int i = 0; i < 100; i++) {
            assertEquals(original.update(t + i * BUCKET, 900 + i), copy.update(t + i * BUCKET, 900 + i));
        }
        // 48 daily + 336 weekly slots of 25 bytes and ~150 bytes of scalars and params
        assertTrue(bytes.length < 10_000, "model bytes " + bytes.length);
    }

    /** A store that copies on get/put, as a Flink MapState does: results must not change. */
    @Test
    void copyingSlotStoreGivesTheSameResults() {
        HoltWintersParams p = HoltWintersParams.defaults();
        Map<Integer, SeasonalSlot> map = new HashMap<>();
        SlotStore copying = new SlotStore() {
            @Override
            public SeasonalSlot get(int index) {
                SeasonalSlot s = map.get(index);
                return s == null ? null : new SeasonalSlot(s.seasonal, s.deviation, s.samples, s.centered);
            }

            @Override
            public void put(int index, SeasonalSlot s) {
                map.put(index, new SeasonalSlot(s.seasonal, s.deviation, s.samples, s.centered));
            }
        };
        HoltWintersState state = new HoltWintersState();
        HoltWinters inMemory = new HoltWinters(p);
        Random random = new Random(7);
        for (int i = 0; i < 48 * 10; i++) {
            long t = START + i * BUCKET;
            double v = traffic(t, random) + (i == 48 * 9 ? 900 : 0);
            assertEquals(inMemory.update(t, v), HoltWinters.step(p, state, copying, t, v), "bucket " + i);
        }
        assertEquals(p.totalSlots(), map.size());
    }

    @Test
    void lateDuplicateIsScoredButNotLearned() {
        HoltWinters hw = new HoltWinters(HoltWintersParams.defaults());
        run(hw, 48 * 3, Map.of());
        byte[] before = hw.encode();
        long last = START + (48 * 3 - 1) * BUCKET;
        DetectorResult late = hw.update(last, 1e6);
        assertTrue(late.anomalous());
        HoltWinters restored = HoltWinters.decode(before);
        assertEquals(restored.state().level, hw.state().level);
        assertEquals(restored.state().updates, hw.state().updates);
    }
}
