package io.flowpulse.ml.detectors;

import java.util.Objects;

/**
 * The scalar (hot) part of a Holt-Winters model: a few dozen bytes per key. Seasonal
 * coefficients and deviations live in {@link SeasonalSlot}s. POJO: public no-arg constructor
 * and public fields.
 */
public class HoltWintersState {
    /** At least one point was seen. */
    public boolean started;
    /** The first full season is learned; before that nothing is flagged. */
    public boolean warm;
    /** Bucket index ({@code floor(t / bucketMillis)}) of the first point. */
    public long firstBucket;
    /** Bucket index of the last learned point. */
    public long lastBucket;
    public double level;
    public double trend;
    /** Mean of the warm-up values: subtracted from each raw warm-up slot on its first use. */
    public double warmupMean;
    /** Deviation for a slot that has none yet (mean absolute step of the warm-up values). */
    public double initialDeviation;
    public long warmupCount;
    public double warmupSum;
    public double warmupAbsStepSum;
    public double previousValue;
    /** Band violations of the last {@code failureWindow} points, newest in bit 0. */
    public long violations;
    /** Consecutive band violations up to the last point. */
    public long violationRun;
    /** Points learned after warm-up. */
    public long updates;
    /**
     * Event time of the pending cleanup timer in the Flink operator (Long.MIN_VALUE: none).
     * Unused by the plain Java model.
     */
    public long cleanupTimerMillis = Long.MIN_VALUE;
    /** Event time of the last point (for the operator's TTL). */
    public long lastSeenMillis = Long.MIN_VALUE;

    public HoltWintersState() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof HoltWintersState s)) {
            return false;
        }
        return started == s.started && warm == s.warm && firstBucket == s.firstBucket && lastBucket == s.lastBucket
                && Double.compare(level, s.level) == 0 && Double.compare(trend, s.trend) == 0
                && Double.compare(warmupMean, s.warmupMean) == 0
                && Double.compare(initialDeviation, s.initialDeviation) == 0 && warmupCount == s.warmupCount
                && Double.compare(warmupSum, s.warmupSum) == 0
                && Double.compare(warmupAbsStepSum, s.warmupAbsStepSum) == 0
                && Double.compare(previousValue, s.previousValue) == 0 && violations == s.violations
                && violationRun == s.violationRun && updates == s.updates && cleanupTimerMillis == s.cleanupTimerMillis
                && lastSeenMillis == s.lastSeenMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(started, warm, firstBucket, lastBucket, level, trend, updates, lastSeenMillis);
    }
}
