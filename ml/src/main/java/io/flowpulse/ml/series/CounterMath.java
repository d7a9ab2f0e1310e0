package io.flowpulse.ml.series;

/**
 * Wrap and reset arithmetic of SNMP-style octet counters (32-bit {@code ifInOctets} or 64-bit
 * {@code ifHCInOctets}). Values are unsigned: a 64-bit counter above 2^63 arrives as a negative
 * long and is compared unsigned.
 *
 * <p>A decrease is a <b>wrap</b> when the wrapped difference {@code (current - previous) mod 2^bits}
 * is plausible: at most {@link #plausibleWrapBytes} (the configured interface speed, else a factor
 * times the recent peak rate, else half the counter range). Otherwise it is a <b>reset</b> (device
 * reboot, "clear counters"): the counter restarted from 0, so the traffic since the reset is the
 * new value itself, not a spike of almost 2^bits.
 */
public final class CounterMath {
    private CounterMath() {}

    public enum Change {
        /** current >= previous. */
        INCREASE,
        /** The counter passed 2^bits and started over. */
        WRAP,
        /** The counter was reset to 0 (not explained by a wrap). */
        RESET
    }

    /** All ones in the low {@code bits} bits. */
    public static long mask(int bits) {
        if (bits <= 0 || bits > 64) {
            throw new IllegalArgumentException("counter bits must be 1..64: " + bits);
        }
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** {@code (current - previous) mod 2^bits} as a non-negative number (exact up to 2^63, then rounded). */
    public static double wrappedDifference(long previous, long current, int bits) {
        long d = (current - previous) & mask(bits);
        return d >= 0 ? d : d + 0x1p64;
    }

    /**
     * The largest wrapped difference still believed to be a wrap over {@code elapsedMillis}.
     *
     * @param maxBytesPerSecond interface speed in bytes/s, or {@code <= 0} when unknown
     * @param peakBytesPerSecond recent peak rate of this counter, or {@code <= 0} when unknown
     * @param wrapRateFactor how many times the recent peak a wrapped rate may be
     */
    public static double plausibleWrapBytes(int bits, long elapsedMillis, double maxBytesPerSecond,
            double peakBytesPerSecond, double wrapRateFactor) {
        double seconds = Math.max(1, elapsedMillis) / 1000.0;
        if (maxBytesPerSecond > 0) {
            return maxBytesPerSecond * seconds;
        }
        if (peakBytesPerSecond > 0) {
            return wrapRateFactor * peakBytesPerSecond * seconds;
        }
        return Math.scalb(1.0, bits - 1);
    }

    /** Classifies a step of the counter from {@code previous} to {@code current}. */
    public static Change classify(long previous, long current, int bits, double plausibleWrapBytes) {
        long m = mask(bits);
        long p = previous & m;
        long c = current & m;
        if (Long.compareUnsigned(c, p) >= 0) {
            return Change.INCREASE;
        }
        return wrappedDifference(p, c, bits) <= plausibleWrapBytes ? Change.WRAP : Change.RESET;
    }

    /**
     * The traffic between two readings: the difference for an increase, the wrapped difference for
     * a wrap, and for a reset the new value (traffic counted since the reset; what happened between
     * the previous reading and the reset is unknown).
     */
    public static double delta(long previous, long current, int bits, Change change) {
        long m = mask(bits);
        return switch (change) {
            case INCREASE, WRAP -> wrappedDifference(previous & m, current & m, bits);
            case RESET -> {
                long c = current & m;
                yield c >= 0 ? c : c + 0x1p64;
            }
        };
    }

    /** A peak-hold of the rate that decays by half every {@code halfLifeMillis}. */
    public static double decayedPeak(double peak, double rate, long elapsedMillis, long halfLifeMillis) {
        double decayed = peak * Math.pow(0.5, Math.max(0, elapsedMillis) / (double) halfLifeMillis);
        return Math.max(rate, decayed);
    }
}
