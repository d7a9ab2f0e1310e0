package io.flowpulse.sim;

import io.flowpulse.records.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Traffic model of one (device, port, direction) series: a peak rate times a daily shape (low at
 * night, peak in the afternoon, UTC) times a weekly factor (weekends lower), times multiplicative
 * AR(1) noise in log space, times the factor of any injected anomaly.
 */
final class PortSeriesModel {
    static final long DAY_MILLIS = 86_400_000L;

    final String device;
    final String port;
    final Direction direction;
    final int counterBits;
    final double peakBytesPerSecond;
    final double meanPacketBytes;
    private final double nightFloor;
    private final double peakHour;
    private final double saturday;
    private final double sunday;
    private final double noiseSigma;
    private final double noisePhi;
    final List<InjectedAnomaly> anomalies = new ArrayList<>();

    PortSeriesModel(String device, String port, Direction direction, int counterBits, double peakBytesPerSecond,
            SplittableRandom r) {
        this.device = device;
        this.port = port;
        this.direction = direction;
        this.counterBits = counterBits;
        this.peakBytesPerSecond = peakBytesPerSecond;
        this.meanPacketBytes = direction == Direction.IN ? Draws.uniform(r, 700.0, 1100.0) : Draws.uniform(r, 250.0, 600.0);
        this.nightFloor = Draws.uniform(r, 0.12, 0.35);
        this.peakHour = Draws.uniform(r, 13.0, 16.0);
        this.saturday = Draws.uniform(r, 0.5, 0.75);
        this.sunday = saturday * Draws.uniform(r, 0.8, 0.95);
        this.noiseSigma = Draws.uniform(r, 0.05, 0.1);
        this.noisePhi = Draws.uniform(r, 0.6, 0.9);
    }

    /** Noise-free seasonal rate without anomalies, bytes per second. */
    double baselineBytesPerSecond(long millis) {
        double hour = Math.floorMod(millis, DAY_MILLIS) / 3_600_000.0;
        double bump = 0.5 * (1 + StrictMath.cos(2 * Math.PI * (hour - peakHour) / 24));
        double daily = nightFloor + (1 - nightFloor) * StrictMath.pow(bump, 1.5);
        // 1970-01-01 was a Thursday: ISO day index 0 = Monday
        int dayIndex = (int) Math.floorMod(Math.floorDiv(millis, DAY_MILLIS) + 3, 7L);
        double weekly = dayIndex == 5 ? saturday : dayIndex == 6 ? sunday : dayIndex == 4 ? 0.95 : 1.0;
        return peakBytesPerSecond * daily * weekly;
    }

    /** Product of the factors of the anomalies active at {@code millis}. */
    double anomalyFactor(long millis) {
        double f = 1.0;
        for (InjectedAnomaly a : anomalies) {
            if (a.covers(millis)) {
                f *= a.factor();
            }
        }
        return f;
    }

    /** Noise-free rate including anomalies, bytes per second. */
    double expectedBytesPerSecond(long millis) {
        return baselineBytesPerSecond(millis) * anomalyFactor(millis);
    }

    /** The next value of the AR(1) log-noise process. */
    double nextNoise(double previous, SplittableRandom r) {
        return noisePhi * previous + Math.sqrt(1 - noisePhi * noisePhi) * noiseSigma * Draws.normal(r);
    }

    double noiseMultiplier(double noise) {
        return StrictMath.exp(noise - noiseSigma * noiseSigma / 2);
    }

    /** Bytes carried in (fromMillis, toMillis], integrated in one-minute steps, before noise. */
    double expectedBytes(long fromMillis, long toMillis) {
        double total = 0;
        for (long t = fromMillis; t < toMillis; t += 60_000) {
            long stepEnd = Math.min(toMillis, t + 60_000);
            total += expectedBytesPerSecond((t + stepEnd) / 2) * (stepEnd - t) / 1000.0;
        }
        return total;
    }
}
