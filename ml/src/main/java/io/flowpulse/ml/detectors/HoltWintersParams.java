package io.flowpulse.ml.detectors;

import java.io.Serializable;

/**
 * Parameters of {@link HoltWinters}: additive Holt-Winters with a daily season and an optional
 * weekly correction (Taylor's double-seasonal form), and Brutlag deviation bands as in RRDtool's
 * aberrant-behaviour detection ({@code HWPREDICT}/{@code DEVPREDICT}/{@code FAILURES}).
 * Immutable; {@code withX} methods return a copy.
 */
public final class HoltWintersParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DAY_MILLIS = 86_400_000L;
    public static final long DEFAULT_BUCKET_MILLIS = 30 * 60_000L;

    /** Bucket length; must divide a day. */
    public final long bucketMillis;
    /** Level smoothing per bucket. */
    public final double alpha;
    /** Trend smoothing per bucket. */
    public final double beta;
    /** Daily seasonal smoothing (per visit of the slot, i.e. once a day). */
    public final double gamma;
    /** Weekly correction smoothing (once a week per slot). */
    public final double gammaWeekly;
    /** Deviation smoothing (once a day per slot). */
    public final double gammaDeviation;
    /** Band half-width in deviations: {@code expected +- delta * deviation}. */
    public final double delta;
    /** Learn a weekly correction on top of the daily season. */
    public final boolean weekly;
    /** Daily seasons to learn before anything is flagged. */
    public final int warmupSeasons;
    /** RRDtool FAILURES: a point is anomalous when at least {@code failureThreshold} of the last
     * {@code failureWindow} points (this one included) violate the band. 1/1 flags every violation. */
    public final int failureWindow;
    public final int failureThreshold;
    /** Learn from a violating value clamped to the band, so a spike or outage does not teach the model. */
    public final boolean clipAnomalies;
    /** Clamp at most this many consecutive violations; a longer run is a level shift and is learned
     * as it is. Default a quarter day. */
    public final double clipLimitDays;
    /** Absolute floor of the deviation. */
    public final double minDeviation;
    /** Floor of the deviation relative to {@code |expected|}. */
    public final double minRelativeDeviation;

    public HoltWintersParams(long bucketMillis, double alpha, double beta, double gamma, double gammaWeekly,
            double gammaDeviation, double delta, boolean weekly, int warmupSeasons, int failureWindow,
            int failureThreshold, boolean clipAnomalies, double clipLimitDays, double minDeviation,
            double minRelativeDeviation) {
        if (bucketMillis <= 0 || DAY_MILLIS % bucketMillis != 0) {
            throw new IllegalArgumentException("bucketMillis must divide a day: " + bucketMillis);
        }
        checkRate("alpha", alpha);
        checkRate("beta", beta);
        checkRate("gamma", gamma);
        checkRate("gammaWeekly", gammaWeekly);
        checkRate("gammaDeviation", gammaDeviation);
        if (!(delta > 0) || warmupSeasons < 1 || failureWindow < 1 || failureWindow > 63
                || failureThreshold < 1 || failureThreshold > failureWindow || minDeviation < 0 || clipLimitDays < 0
                || minRelativeDeviation < 0) {
            throw new IllegalArgumentException("need delta > 0, warmupSeasons >= 1, 1 <= failureThreshold <= "
                    + "failureWindow <= 63, non-negative deviation floors");
        }
        this.bucketMillis = bucketMillis;
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.gammaWeekly = gammaWeekly;
        this.gammaDeviation = gammaDeviation;
        this.delta = delta;
        this.weekly = weekly;
        this.warmupSeasons = warmupSeasons;
        this.failureWindow = failureWindow;
        this.failureThreshold = failureThreshold;
        this.clipAnomalies = clipAnomalies;
        this.clipLimitDays = clipLimitDays;
        this.minDeviation = minDeviation;
        this.minRelativeDeviation = minRelativeDeviation;
    }

    private static void checkRate(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + v);
        }
    }

    /** Defaults for 30-minute buckets. */
    public static HoltWintersParams defaults() {
        return forBucket(DEFAULT_BUCKET_MILLIS);
    }

    /** Defaults for the given bucket length. */
    public static HoltWintersParams forBucket(long bucketMillis) {
        return new HoltWintersParams(bucketMillis, 0.05, 0.0, 0.3, 0.1, 0.1, 4.0, true, 1, 1, 1, true, 0.25, 0.0, 0.02);
    }

    public int dailySlots() {
        return (int) (DAY_MILLIS / bucketMillis);
    }

    public int weeklySlots() {
        return weekly ? 7 * dailySlots() : 0;
    }

    /** Slot indexes in use: daily then weekly. */
    public int totalSlots() {
        return dailySlots() + weeklySlots();
    }

    public long clipLimitBuckets() {
        return Math.round(clipLimitDays * dailySlots());
    }

    public HoltWintersParams withClipLimitDays(double v) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, v, minDeviation, minRelativeDeviation);
    }

    public long warmupBuckets() {
        return (long) warmupSeasons * dailySlots();
    }

    public HoltWintersParams withBucketMillis(long v) {
        return new HoltWintersParams(v, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withSmoothing(double alpha, double beta, double gamma, double gammaWeekly,
            double gammaDeviation) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withDelta(double v) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, v, weekly,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withWeekly(boolean v) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, v,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withWarmupSeasons(int v) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                v, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withFailures(int window, int threshold) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, window, threshold, clipAnomalies, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withClipAnomalies(boolean v) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, failureWindow, failureThreshold, v, clipLimitDays, minDeviation, minRelativeDeviation);
    }

    public HoltWintersParams withDeviationFloors(double absolute, double relative) {
        return new HoltWintersParams(bucketMillis, alpha, beta, gamma, gammaWeekly, gammaDeviation, delta, weekly,
                warmupSeasons, failureWindow, failureThreshold, clipAnomalies, clipLimitDays, absolute, relative);
    }

    @Override
    public String toString() {
        return "HoltWintersParams{bucketMillis=" + bucketMillis + ", alpha=" + alpha + ", beta=" + beta + ", gamma="
                + gamma + ", gammaWeekly=" + gammaWeekly + ", gammaDeviation=" + gammaDeviation + ", delta=" + delta
                + ", weekly=" + weekly + ", warmupSeasons=" + warmupSeasons + ", failures=" + failureThreshold + "/"
                + failureWindow + ", clipAnomalies=" + clipAnomalies + ", clipLimitDays=" + clipLimitDays + ", minDeviation=" + minDeviation
                + ", minRelativeDeviation=" + minRelativeDeviation + '}';
    }
}
