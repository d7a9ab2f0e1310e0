package io.flowpulse.ml.detectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-key state of {@link RobustBand}: about 1 KB (24 profile doubles, 168 same-hour floats and a few scalars).
 * POJO: public no-arg constructor and public fields.
 */
public class RobustBandState {
    /** Points learned. */
    public long points;
    /** Bucket start of the first and the last learned point. */
    public long firstMillis = Long.MIN_VALUE;
    public long lastMillis = Long.MIN_VALUE;
    /** Flat model: level and scale. */
    public double flatLevel;
    public double flatScale;
    /** Seasonal model: level, scale and the hour-of-day profile (null until the first point). */
    public double seasonalLevel;
    public double seasonalScale;
    public double[] profile;
    /** The seasonal model was the better one at the last point. */
    public boolean seasonal;
    /** Long-run mean absolute value (scale floor). */
    public double meanAbs;
    /** Adaptive band half-width in scales (tracks the target upper quantile of the scores). */
    public double threshold;
    /** Consecutive over-band points on one side (sign in {@link #runSign}). */
    public int runLength;
    public int runSign;
    /** EWMA of the signed, clipped residuals in scales (drift chart). */
    public double drift;
    /** Inside an episode (its first point was flagged) and points inside the band since its last violation. */
    public boolean inEpisode;
    public int quiet;
    /**
     * Same-hour memory: the mean of each hour of the last seven days, slot {@code weekday * 24 +
     * hour} (UTC), NaN where unknown; null until the first point. Floats: 672 bytes.
     */
    public float[] hourMeans;
    /** The hour being accumulated (epoch hours) and its sum and count. */
    public long hour = Long.MIN_VALUE;
    public double hourSum;
    public int hourCount;
    /** Consecutive hours beyond the previous days' range: positive above, negative below. */
    public int levelRun;

    public RobustBandState() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RobustBandState s)) {
            return false;
        }
        return points == s.points && firstMillis == s.firstMillis && lastMillis == s.lastMillis
                && Double.compare(flatLevel, s.flatLevel) == 0 && Double.compare(flatScale, s.flatScale) == 0
                && Double.compare(seasonalLevel, s.seasonalLevel) == 0
                && Double.compare(seasonalScale, s.seasonalScale) == 0 && Arrays.equals(profile, s.profile)
                && seasonal == s.seasonal && Double.compare(meanAbs, s.meanAbs) == 0
                && Double.compare(threshold, s.threshold) == 0 && runLength == s.runLength && runSign == s.runSign
                && inEpisode == s.inEpisode && quiet == s.quiet && Double.compare(drift, s.drift) == 0
                && Arrays.equals(hourMeans, s.hourMeans) && hour == s.hour
                && Double.compare(hourSum, s.hourSum) == 0 && hourCount == s.hourCount && levelRun == s.levelRun;
    }

    @Override
    public int hashCode() {
        return Objects.hash(points, lastMillis, flatLevel, seasonalLevel, threshold);
    }
}
