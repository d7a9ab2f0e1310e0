package io.flowpulse.sim;

import java.util.SplittableRandom;

/**
 * The few distributions the simulator needs, on a {@link SplittableRandom} (whose algorithm is
 * specified, so a seed gives the same numbers on every JVM). Hand-written because each is one
 * line; commons-math3 distributions would add a dependency for that. StrictMath, not Math, so
 * the results do not depend on JIT intrinsics.
 */
final class Draws {
    private Draws() {}

    /** Exponential with the given mean. */
    static double exponential(SplittableRandom r, double mean) {
        return -mean * StrictMath.log(1.0 - r.nextDouble());
    }

    /** Standard normal (Box-Muller, one value per call). */
    static double normal(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }

    /** Log-normal with the given median and log-space sigma. */
    static double logNormal(SplittableRandom r, double median, double sigma) {
        return median * StrictMath.exp(sigma * normal(r));
    }

    /** Log-normal clamped to [min, max]. */
    static double logNormal(SplittableRandom r, double median, double sigma, double min, double max) {
        return Math.max(min, Math.min(max, logNormal(r, median, sigma)));
    }

    static double uniform(SplittableRandom r, double min, double max) {
        return min + (max - min) * r.nextDouble();
    }

    static long uniformLong(SplittableRandom r, long min, long maxExclusive) {
        return min + r.nextLong(maxExclusive - min);
    }

    /** Geometric number of trials >= 1 with the given mean. */
    static int geometric(SplittableRandom r, double mean) {
        double p = 1.0 / mean;
        return 1 + (int) Math.floor(StrictMath.log(1.0 - r.nextDouble()) / StrictMath.log(1.0 - p));
    }
}
