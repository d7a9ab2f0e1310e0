package io.flowpulse.ml.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RollingZScoreTest {
    private static final double[] WINDOW = {100, 110, 90, 100};

    @Test
    void normalValueIsKept() {
        RollingZScore.Result r = RollingZScore.score(WINDOW, 4, 105, 2, 3, 0);
        assertFalse(r.clipped());
        assertEquals(105, r.value());
        assertEquals(5 / Math.sqrt(200.0 / 3), r.zScore(), 1e-9);
    }

    @Test
    void outlierIsClippedToTheBand() {
        RollingZScore.Result r = RollingZScore.score(WINDOW, 4, 1_000, 2, 3, 0);
        assertTrue(r.clipped());
        double std = Math.sqrt(200.0 / 3);
        assertEquals(100 + 2 * std, r.value(), 1e-9);
        assertTrue(r.zScore() > 100);
        RollingZScore.Result low = RollingZScore.score(WINDOW, 4, 0, 2, 3, 0);
        assertEquals(100 - 2 * std, low.value(), 1e-9);
    }

    @Test
    void tooFewPointsDoNotClip() {
        RollingZScore.Result r = RollingZScore.score(WINDOW, 2, 1_000, 2, 3, 0);
        assertFalse(r.clipped());
        assertEquals(0.0, r.zScore());
    }

    @Test
    void relativeStdFloorKeepsAFlatSeriesFromClippingItsNoise() {
        double[] flat = {100, 100, 100, 100};
        assertFalse(RollingZScore.score(flat, 4, 105, 2, 3, 0.05).clipped());
        assertTrue(RollingZScore.score(flat, 4, 120, 2, 3, 0.05).clipped());
    }
}
