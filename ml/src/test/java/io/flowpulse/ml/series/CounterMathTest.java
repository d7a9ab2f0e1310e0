package io.flowpulse.ml.series;

import static io.flowpulse.ml.series.CounterMath.Change.INCREASE;
import static io.flowpulse.ml.series.CounterMath.Change.RESET;
import static io.flowpulse.ml.series.CounterMath.Change.WRAP;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CounterMathTest {
    private static final long TWO_32 = 1L << 32;

    @Test
    void increaseIsTheDifference() {
        assertEquals(INCREASE, CounterMath.classify(1_000, 5_000, 32, 1e9));
        assertEquals(4_000.0, CounterMath.delta(1_000, 5_000, 32, INCREASE));
    }

    @Test
    void thirtyTwoBitWrapIsTheWrappedDifference() {
        long before = TWO_32 - 1_000;
        long after = 3_000;
        assertEquals(WRAP, CounterMath.classify(before, after, 32, 1e6));
        assertEquals(4_000.0, CounterMath.delta(before, after, 32, WRAP));
    }

    @Test
    void implausibleWrapIsAReset() {
        // from 100 MB to 20 MB: a wrap would mean ~4.2 GB in one interval, above the plausible 1 GB
        assertEquals(RESET, CounterMath.classify(100_000_000, 20_000_000, 32, 1e9));
        assertEquals(20_000_000.0, CounterMath.delta(100_000_000, 20_000_000, 32, RESET));
    }

    @Test
    void sixtyFourBitDecreaseIsAResetAndHighValuesAreUnsigned() {
        assertEquals(RESET, CounterMath.classify(5_000_000_000L, 10_000, 64, 1e12));
        long high = -10L; // 2^64 - 10 as unsigned
        assertEquals(WRAP, CounterMath.classify(high, 5, 64, 1e3));
        assertEquals(15.0, CounterMath.delta(high, 5, 64, WRAP));
        assertEquals(INCREASE, CounterMath.classify(Long.MAX_VALUE, Long.MIN_VALUE, 64, 1e3));
        assertEquals(1.0, CounterMath.delta(Long.MAX_VALUE, Long.MIN_VALUE, 64, INCREASE));
    }

    @Test
    void plausibleWrapUsesSpeedThenPeakThenHalfRange() {
        assertEquals(300e6, CounterMath.plausibleWrapBytes(32, 300_000, 1e6, 5e5, 10), 1e-3);
        assertEquals(1.5e9, CounterMath.plausibleWrapBytes(32, 300_000, 0, 5e5, 10), 1e-3);
        assertEquals(TWO_32 / 2.0, CounterMath.plausibleWrapBytes(32, 300_000, 0, 0, 10), 1e-3);
    }

    @Test
    void peakDecaysByHalfPerHalfLife() {
        assertEquals(50.0, CounterMath.decayedPeak(100, 10, 1_000, 1_000), 1e-9);
        assertEquals(120.0, CounterMath.decayedPeak(100, 120, 1_000, 1_000), 1e-9);
    }
}
