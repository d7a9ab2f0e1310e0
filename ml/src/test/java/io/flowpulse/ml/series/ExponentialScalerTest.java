package io.flowpulse.ml.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ExponentialScalerTest {
    @Test
    void matchesMeanAndPopulationVarianceWhileGrowing() {
        ExponentialScaler s = new ExponentialScaler();
        for (double x : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            s.update(x, 1_000);
        }
        assertEquals(5.0, s.mean, 1e-12);
        assertEquals(4.0, s.variance, 1e-12);
        assertEquals(1.0, s.scale(7), 1e-12);
    }

    @Test
    void zeroUntilTwoPoints() {
        ExponentialScaler s = new ExponentialScaler();
        assertEquals(0.0, s.scale(10));
        s.update(10, 100);
        assertEquals(0.0, s.scale(20));
    }

    @Test
    void followsALevelShiftOnceBounded() {
        ExponentialScaler s = new ExponentialScaler();
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 2_000; i++) {
            s.update(100 + r.nextGaussian(), 50);
        }
        for (int i = 0; i < 500; i++) {
            s.update(200 + r.nextGaussian(), 50);
        }
        assertEquals(50, s.count);
        assertEquals(200, s.mean, 1.0);
        assertTrue(Math.sqrt(s.variance) < 3);
    }
}
