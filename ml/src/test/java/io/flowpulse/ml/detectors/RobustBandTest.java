package io.flowpulse.ml.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RobustBandTest {
    private static final long STEP = 5 * 60_000L;
    private static final long T0 = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L, 86_400_000L);

    private static List<Integer> flags(RobustBand d, double[] values) {
        List<Integer> flagged = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (d.update(T0 + i * STEP, values[i]).anomalous()) {
                flagged.add(i);
            }
        }
        return flagged;
    }

    private static double[] noise(int n, long seed, double level, double sd) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = level + sd * r.nextGaussian();
        }
        return v;
    }

    @Test
    void aSpikeIsFlaggedOnceAndARunOfSpikesIsOneEpisode() {
        double[] v = noise(2000, 1, 100, 2);
        v[1000] = 160;
        for (int i = 1500; i < 1504; i++) {
            v[i] = 170;
        }
        List<Integer> f = flags(new RobustBand(RobustBandParams.defaults(), STEP), v);
        assertTrue(f.contains(1000), f.toString());
        assertTrue(f.contains(1500), f.toString());
        for (int i = 1501; i < 1504; i++) {
            assertFalse(f.contains(i), "repeats inside an episode are suppressed: " + f);
        }
        assertTrue(f.size() <= 4, "few false flags on Gaussian noise: " + f);
    }

    @Test
    void nothingIsFlaggedDuringWarmUp() {
        double[] v = noise(200, 2, 10, 1);
        v[10] = 1_000;
        v[40] = -1_000;
        RobustBand d = new RobustBand(RobustBandParams.defaults(), STEP);
        for (int i = 0; i < RobustBandParams.defaults().warmupPoints; i++) {
            DetectorResult r = d.update(T0 + i * STEP, v[i]);
            assertFalse(r.anomalous());
            assertFalse(r.warm());
        }
    }

    @Test
    void aLevelShiftIsOneEpisodeThenTheNewNormal() {
        double[] v = noise(3000, 3, 100, 2);
        for (int i = 1500; i < v.length; i++) {
            v[i] += 50;
        }
        List<Integer> f = flags(new RobustBand(RobustBandParams.defaults(), STEP), v);
        assertTrue(f.contains(1500), f.toString());
        long after = f.stream().filter(i -> i > 1500).count();
        assertTrue(after <= 2, "the shifted level is learned, not flagged again and again: " + f);
    }

    @Test
    void theFlagRateStaysNearTheTargetOnHeavyTailedNoise() {
        Random r = new Random(4);
        int n = 100_000;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Student-t-like: Gaussian over a random scale
            v[i] = 50 + r.nextGaussian() / Math.sqrt(Math.max(0.05, r.nextDouble()));
        }
        List<Integer> f = flags(new RobustBand(RobustBandParams.defaults(), STEP), v);
        // a fixed 5-scale band would flag several times more on this noise; the adaptive one keeps
        // the long-run rate near the target (episodes of one flag each)
        assertTrue(f.size() <= 1.5 * RobustBandParams.defaults().targetRate * n, f.size() + " flags");
        RobustBand fixed = new RobustBand(RobustBandParams.defaults().withThresholds(5, 5, 0.002), STEP);
        assertTrue(flags(fixed, v).size() > 2 * f.size());
    }

    @Test
    void aDailyRhythmGetsTheSeasonalModelAndNoiseDoesNot() {
        int perDay = (int) (86_400_000L / STEP);
        double[] seasonal = noise(7 * perDay, 5, 0, 1);
        for (int i = 0; i < seasonal.length; i++) {
            seasonal[i] += 100 + 40 * Math.sin(2 * Math.PI * i / perDay) + 20 * Math.sin(8 * Math.PI * i / perDay);
        }
        RobustBand daily = new RobustBand(RobustBandParams.defaults(), STEP);
        flags(daily, seasonal);
        assertTrue(daily.state().seasonal, "daily rhythm detected");

        RobustBand flat = new RobustBand(RobustBandParams.defaults(), STEP);
        flags(flat, noise(7 * perDay, 6, 100, 5));
        assertFalse(flat.state().seasonal, "no daily model without a daily rhythm");
    }

    @Test
    void aLateDuplicateIsScoredButNotLearned() {
        RobustBand d = new RobustBand(RobustBandParams.defaults(), STEP);
        double[] v = noise(100, 7, 10, 1);
        flags(d, v);
        long points = d.state().points;
        d.update(T0 + 50 * STEP, 10);
        assertEquals(points, d.state().points);
    }
}
