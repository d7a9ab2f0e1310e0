package io.flowpulse.ml.series;

import java.io.Serializable;

/**
 * Parameters of the per-port series resampling and preprocessing (all times in milliseconds).
 * {@code PortSeriesParams.defaults()} then {@code withX(...)} to change one value.
 */
public final class PortSeriesParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long MINUTE = 60_000L;
    public static final long HOUR = 60 * MINUTE;

    /** Width of an event-time bucket (default 30 min). */
    public final long bucketMillis;
    /** How long after its end a bucket waits for late samples before it is emitted (default 10 min). */
    public final long allowedLatenessMillis;
    /** Span of the rolling z-score window, a multiple of the bucket (default 2 h). */
    public final long clipWindowMillis;
    /** |z| above this is clipped (default 2). */
    public final double clipThreshold;
    /** Points needed in the window before clipping starts (default 3). */
    public final int clipMinPoints;
    /** Std floor as a fraction of |mean| (default 0.05). */
    public final double clipMinRelativeStd;
    /** Points after which the per-key scaler turns exponentially weighted (default 1 week of buckets). */
    public final long scalerMaxCount;
    /** A key without samples for this long (event time) is cleared (default 2 days). */
    public final long stateTtlMillis;
    /** Interface speed in bytes/s for wrap plausibility, or 0 when unknown (default 0). */
    public final double maxBytesPerSecond;
    /**
     * A wrapped rate up to this many times the recent peak rate is a wrap, above it a reset
     * (default 4). For a 32-bit counter a reset just below 2^32 is indistinguishable from a wrap;
     * a lower factor makes fewer resets look like spikes but reads more real surges that wrap as
     * resets. Set {@link #maxBytesPerSecond} when the interface speed is known.
     */
    public final double wrapRateFactor;
    /** Half-life of the recent peak rate (default 1 day). */
    public final long peakHalfLifeMillis;
    /** true: the first delta after a reset is the new counter value; false: it is dropped (default true). */
    public final boolean countBytesAfterReset;

    public PortSeriesParams(long bucketMillis, long allowedLatenessMillis, long clipWindowMillis, double clipThreshold,
            int clipMinPoints, double clipMinRelativeStd, long scalerMaxCount, long stateTtlMillis,
            double maxBytesPerSecond, double wrapRateFactor, long peakHalfLifeMillis, boolean countBytesAfterReset) {
        if (bucketMillis <= 0 || allowedLatenessMillis < 0 || clipWindowMillis < bucketMillis
                || clipWindowMillis % bucketMillis != 0) {
            throw new IllegalArgumentException("bucket > 0, lateness >= 0, clip window a positive multiple of the bucket");
        }
        if (!(clipThreshold > 0) || clipMinPoints < 2 || clipMinRelativeStd < 0 || scalerMaxCount < 2
                || stateTtlMillis < bucketMillis || maxBytesPerSecond < 0 || !(wrapRateFactor >= 1)
                || peakHalfLifeMillis <= 0) {
            throw new IllegalArgumentException("invalid port series parameters");
        }
        this.bucketMillis = bucketMillis;
        this.allowedLatenessMillis = allowedLatenessMillis;
        this.clipWindowMillis = clipWindowMillis;
        this.clipThreshold = clipThreshold;
        this.clipMinPoints = clipMinPoints;
        this.clipMinRelativeStd = clipMinRelativeStd;
        this.scalerMaxCount = scalerMaxCount;
        this.stateTtlMillis = stateTtlMillis;
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.wrapRateFactor = wrapRateFactor;
        this.peakHalfLifeMillis = peakHalfLifeMillis;
        this.countBytesAfterReset = countBytesAfterReset;
    }

    public static PortSeriesParams defaults() {
        return new PortSeriesParams(30 * MINUTE, 10 * MINUTE, 2 * HOUR, 2.0, 3, 0.05, 7 * 48, 48 * HOUR, 0, 4,
                24 * HOUR, true);
    }

    /** Buckets in the clipping window. */
    public int clipWindowBuckets() {
        return (int) (clipWindowMillis / bucketMillis);
    }

    public PortSeriesParams withBucketMillis(long v) {
        return new PortSeriesParams(v, allowedLatenessMillis, Math.max(v, clipWindowMillis / v * v), clipThreshold,
                clipMinPoints, clipMinRelativeStd, scalerMaxCount, stateTtlMillis, maxBytesPerSecond, wrapRateFactor,
                peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withAllowedLatenessMillis(long v) {
        return new PortSeriesParams(bucketMillis, v, clipWindowMillis, clipThreshold, clipMinPoints, clipMinRelativeStd,
                scalerMaxCount, stateTtlMillis, maxBytesPerSecond, wrapRateFactor, peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withClipWindowMillis(long v) {
        return new PortSeriesParams(bucketMillis, allowedLatenessMillis, v, clipThreshold, clipMinPoints, clipMinRelativeStd,
                scalerMaxCount, stateTtlMillis, maxBytesPerSecond, wrapRateFactor, peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withClipThreshold(double v) {
        return new PortSeriesParams(bucketMillis, allowedLatenessMillis, clipWindowMillis, v, clipMinPoints, clipMinRelativeStd,
                scalerMaxCount, stateTtlMillis, maxBytesPerSecond, wrapRateFactor, peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withStateTtlMillis(long v) {
        return new PortSeriesParams(bucketMillis, allowedLatenessMillis, clipWindowMillis, clipThreshold, clipMinPoints,
                clipMinRelativeStd, scalerMaxCount, v, maxBytesPerSecond, wrapRateFactor, peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withMaxBytesPerSecond(double v) {
        return new PortSeriesParams(bucketMillis, allowedLatenessMillis, clipWindowMillis, clipThreshold, clipMinPoints,
                clipMinRelativeStd, scalerMaxCount, stateTtlMillis, v, wrapRateFactor, peakHalfLifeMillis, countBytesAfterReset);
    }

    public PortSeriesParams withCountBytesAfterReset(boolean v) {
        return new PortSeriesParams(bucketMillis, allowedLatenessMillis, clipWindowMillis, clipThreshold, clipMinPoints,
                clipMinRelativeStd, scalerMaxCount, stateTtlMillis, maxBytesPerSecond, wrapRateFactor, peakHalfLifeMillis, v);
    }
}
