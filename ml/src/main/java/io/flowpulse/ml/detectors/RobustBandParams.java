package io.flowpulse.ml.detectors;

import java.io.Serializable;

/**
 * Parameters of {@link RobustBand}. Immutable; {@code withX} return a copy. The defaults are
 * general statistical choices, not fitted to a labelled corpus (see docs/detector-scoring.md).
 */
public final class RobustBandParams implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Hour-of-day slots of the daily profile. */
    public static final int DAILY_SLOTS = 24;

    /** Points learned before anything is flagged. */
    public final int warmupPoints;
    /** Level smoothing per point (Huber-clipped exponentially weighted mean). */
    public final double alpha;
    /** Scale smoothing per point (exponentially weighted mean absolute residual, clipped). */
    public final double beta;
    /** Daily-profile smoothing per visit of a slot. */
    public final double gamma;
    /** Residuals are clipped at {@code huber} scales before they are learned. */
    public final double huber;
    /** Lowest band half-width in scales, whatever the adaptive threshold says. */
    public final double minThreshold;
    /** Highest band half-width in scales. */
    public final double maxThreshold;
    /** Long-run fraction of points allowed over the band: the threshold tracks this upper quantile. */
    public final double targetRate;
    /** Step of the threshold's quantile tracking, in scales. */
    public final double thresholdStep;
    /** The seasonal model is used only when its scale is below this fraction of the flat one's. */
    public final double seasonalGain;
    /** ...and after this many days of points. */
    public final double seasonalMinDays;
    /** A run of this many over-band points on one side is a level shift: the level jumps to it. */
    public final int shiftPoints;
    /** An episode ends after this many points inside the band; only its first point is flagged. */
    public final int quietPoints;
    /** Scale floor relative to the long-run mean absolute value (a flat series is not hair-trigger). */
    public final double relativeFloor;
    /**
     * EWMA control limit, in scales, on the signed residuals (smoothing {@value #DRIFT_SMOOTHING}):
     * a persistent one-sided shift smaller than the band (e.g. a doubling of traffic on a series
     * whose band is wide) raises an episode and is learned as the new level. 0 turns it off (the
     * default: at 2.5 it cost 1-2 NAB points on the corpora and doubled the demo's alert episodes).
     */
    public final double driftLimit;
    /** Smoothing of the drift EWMA (about ten points). */
    public static final double DRIFT_SMOOTHING = 0.1;
    /**
     * Same-hour check (a sustained level shift that the band absorbs): an hour whose mean is above
     * {@code levelRatio} times the highest mean of the same hour of day on the previous days (up
     * to a week), or below the lowest divided by it, is beyond the days' range; {@code levelHours}
     * such hours in a row on one side raise an episode, and the models do not learn while it
     * lasts. 0 hours turns it off; off for buckets longer than an hour.
     */
    public final double levelRatio;
    public final int levelHours;
    /** Hour-of-day x day-of-week slots of the same-hour memory (one week). */
    public static final int WEEK_HOURS = 7 * 24;
    /** Previous days needed for the upward test (no test on the first days of a key). */
    public static final int LEVEL_MIN_DAYS = 4;
    /**
     * Previous days needed for the downward test: a full week, so a first weekend (or any quiet
     * weekday of a rhythm not yet seen) is not called a drop.
     */
    public static final int LEVEL_MIN_DAYS_DOWN = 7;

    public RobustBandParams(int warmupPoints, double alpha, double beta, double gamma, double huber,
            double minThreshold, double maxThreshold, double targetRate, double thresholdStep, double seasonalGain,
            double seasonalMinDays, int shiftPoints, int quietPoints, double relativeFloor, double driftLimit,
            double levelRatio, int levelHours) {
        if (warmupPoints < 2 || !(alpha > 0 && alpha <= 1) || !(beta > 0 && beta <= 1) || !(gamma > 0 && gamma <= 1)
                || !(huber > 0) || !(minThreshold > 0) || maxThreshold < minThreshold
                || !(targetRate > 0 && targetRate < 0.5) || !(thresholdStep > 0) || !(seasonalGain > 0)
                || seasonalMinDays < 1 || shiftPoints < 1 || quietPoints < 1 || relativeFloor < 0 || driftLimit < 0
                || levelHours < 0 || levelHours > 0 && !(levelRatio > 1)) {
            throw new IllegalArgumentException("invalid robust-band parameters");
        }
        this.warmupPoints = warmupPoints;
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.huber = huber;
        this.minThreshold = minThreshold;
        this.maxThreshold = maxThreshold;
        this.targetRate = targetRate;
        this.thresholdStep = thresholdStep;
        this.seasonalGain = seasonalGain;
        this.seasonalMinDays = seasonalMinDays;
        this.shiftPoints = shiftPoints;
        this.quietPoints = quietPoints;
        this.relativeFloor = relativeFloor;
        this.driftLimit = driftLimit;
        this.levelRatio = levelRatio;
        this.levelHours = levelHours;
    }

    public static RobustBandParams defaults() {
        return new RobustBandParams(48, 0.1, 0.02, 0.1, 3.0, 5.0, 50.0, 0.002, 0.1, 0.8, 2, 6, 3, 0.01, 0.0, 1.5, 3);
    }

    public RobustBandParams withThresholds(double min, double max, double rate) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, min, max, rate, thresholdStep,
                seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withThresholdStep(double step) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                step, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withHuber(double huber, double relativeFloor) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withDriftLimit(double limit) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, limit, levelRatio, levelHours);
    }

    public RobustBandParams withSmoothing(double alpha, double beta, double gamma) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withEpisodes(int shiftPoints, int quietPoints) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withWarmup(int points) {
        return new RobustBandParams(points, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withSeasonal(double gain, double minDays) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, gain, minDays, shiftPoints, quietPoints, relativeFloor, driftLimit, levelRatio, levelHours);
    }

    public RobustBandParams withLevelCheck(double ratio, int hours) {
        return new RobustBandParams(warmupPoints, alpha, beta, gamma, huber, minThreshold, maxThreshold, targetRate,
                thresholdStep, seasonalGain, seasonalMinDays, shiftPoints, quietPoints, relativeFloor, driftLimit,
                ratio, hours);
    }

    @Override
    public String toString() {
        return "RobustBandParams{warmup=" + warmupPoints + ", alpha=" + alpha + ", beta=" + beta + ", gamma=" + gamma
                + ", huber=" + huber + ", threshold=[" + minThreshold + ", " + maxThreshold + "], rate=" + targetRate
                + ", step=" + thresholdStep + ", seasonalGain=" + seasonalGain + ", seasonalMinDays="
                + seasonalMinDays + ", shift=" + shiftPoints + ", quiet=" + quietPoints + ", relativeFloor="
                + relativeFloor + ", driftLimit=" + driftLimit + ", levelRatio=" + levelRatio + ", levelHours=" + levelHours
                + '}';
    }
}
