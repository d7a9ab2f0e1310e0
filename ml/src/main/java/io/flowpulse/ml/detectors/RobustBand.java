package io.flowpulse.ml.detectors;

import java.util.Arrays;

/**
 * The default per-port detector: robust bands around two small online models, with the better
 * one chosen per key on its own recent errors, an adaptive threshold and one flag per episode.
 *
 * <ul>
 *   <li><b>Flat model:</b> a level that follows the series (exponentially weighted mean of
 *       Huber-clipped residuals, {@code alpha} per point).</li>
 *   <li><b>Seasonal model:</b> a slow level (time constant one day) plus a 24-slot hour-of-day
 *       profile, interpolated between slot centres, each slot learning the running mean over
 *       the first days and then {@code gamma} per day.</li>
 *   <li><b>Seasonality detection:</b> the seasonal model is used only after
 *       {@code seasonalMinDays} days and while its scale is below {@code seasonalGain} times the
 *       flat model's, so a series without a daily rhythm never gets a daily model.</li>
 *   <li><b>Robust scale:</b> exponentially weighted mean absolute residual, residuals clipped at
 *       {@code huber} scales (spikes neither move the level nor widen the band much), floored at
 *       {@code relativeFloor} of the mean absolute value.</li>
 *   <li><b>Adaptive threshold:</b> the band half-width tracks the {@code 1 - targetRate} quantile
 *       of the scores (stochastic quantile tracking, step {@code thresholdStep}), kept in
 *       {@code [minThreshold, maxThreshold]}: a noisy key does not flag more than its share.</li>
 *   <li><b>Warm-up:</b> nothing is flagged for the first {@code warmupPoints} points.</li>
 *   <li><b>Episodes:</b> only the first over-band point of an episode is flagged; it ends after
 *       {@code quietPoints} points inside the band. A run of {@code shiftPoints} over-band points
 *       on one side is a level shift: both levels jump to it, so a new normal ends the episode.</li>
 *   <li><b>Drift:</b> an EWMA control chart on the signed, clipped residuals (limit
 *       {@code driftLimit} scales) catches a persistent shift that stays inside a wide band
 *       (traffic doubling at the daily peak); it raises an episode and the levels jump too.</li>
 *   <li><b>Same-hour check:</b> a sustained level shift that the band absorbs (a doubling on a
 *       series whose band the weekly rhythm has widened) is found by comparing each hour's mean
 *       with the same hour of day on the previous days (a week of hourly means, floats): above
 *       {@code levelRatio} times the highest of them (with at least 4 days), or below the lowest
 *       divided by it (only once a full week is known, so a first weekend is not a drop), by at
 *       least one standard error of the hour's mean, for {@code levelHours} hours in a row,
 *       raises an episode. While it lasts, the models do not learn (the shift would widen the
 *       band for days); it lasts while the hours stay beyond the range, so a shift lasting over
 *       a day becomes part of the range, ends the check and is learned as the new normal by the
 *       band's jump.</li>
 * </ul>
 *
 * The math is the static {@link #step} over a {@link RobustBandState} (one Flink ValueState of
 * about 1 KB); this class is the in-memory form. Hand-written: the libraries at hand (RCF,
 * STL) keep whole windows or forests per key, far above the 2 KB per key budget.
 */
public final class RobustBand implements AnomalyDetector {
    public static final String ID = "robust-band";
    static final long DAY_MILLIS = 86_400_000L;
    private static final long HOUR_MILLIS = 3_600_000L;
    /** Time constant of the seasonal model's level. */
    private static final long SEASONAL_LEVEL_MILLIS = 24 * HOUR_MILLIS;

    private final RobustBandParams params;
    private final long bucketMillis;
    private final RobustBandState state = new RobustBandState();

    public RobustBand(RobustBandParams params, long bucketMillis) {
        if (bucketMillis <= 0) {
            throw new IllegalArgumentException("bucketMillis must be > 0");
        }
        this.params = params;
        this.bucketMillis = bucketMillis;
    }

    @Override
    public String id() {
        return ID;
    }

    public RobustBandState state() {
        return state;
    }

    @Override
    public DetectorResult update(long timestampMillis, double value) {
        return step(params, bucketMillis, state, timestampMillis, value);
    }

    /**
     * Scores {@code value} at {@code timestampMillis} and learns from it (a point at or before the
     * last learned one is scored, not learned). Mutates {@code s}.
     */
    public static DetectorResult step(RobustBandParams p, long bucketMillis, RobustBandState s, long timestampMillis,
            double value) {
        if (s.profile == null) {
            s.profile = new double[RobustBandParams.DAILY_SLOTS];
            s.flatLevel = value;
            s.seasonalLevel = value;
            s.threshold = p.minThreshold;
            s.firstMillis = timestampMillis;
        }
        // hour-of-day profile, interpolated between slot centres
        double hour = Math.floorMod(timestampMillis, DAY_MILLIS) / (double) HOUR_MILLIS - 0.5;
        int a = (int) Math.floor(hour);
        double w = hour - a;
        a = Math.floorMod(a, RobustBandParams.DAILY_SLOTS);
        int b = (a + 1) % RobustBandParams.DAILY_SLOTS;
        double seasonalPart = (1 - w) * s.profile[a] + w * s.profile[b];

        double flatExpected = s.flatLevel;
        double seasonalExpected = s.seasonalLevel + seasonalPart;
        double days = (timestampMillis - s.firstMillis) / (double) DAY_MILLIS;
        boolean useSeasonal = days >= p.seasonalMinDays && s.seasonalScale < p.seasonalGain * s.flatScale;
        double expected = useSeasonal ? seasonalExpected : flatExpected;
        double floor = Math.max(p.relativeFloor * s.meanAbs, Double.MIN_NORMAL);
        double sigma = Math.max(useSeasonal ? s.seasonalScale : s.flatScale, floor);
        double residual = value - expected;
        double score = Math.abs(residual) / sigma;
        boolean warm = s.points >= p.warmupPoints;
        boolean learning = s.lastMillis == Long.MIN_VALUE || timestampMillis > s.lastMillis;
        if (learning && p.levelHours > 0 && bucketMillis <= HOUR_MILLIS) {
            startHour(p, s, Math.floorDiv(timestampMillis, HOUR_MILLIS), sigma);
        }
        boolean levelAlarm = warm && p.levelHours > 0 && Math.abs(s.levelRun) >= p.levelHours;
        double threshold = Math.min(p.maxThreshold, Math.max(p.minThreshold, s.threshold));
        // EWMA control chart on the signed residuals: a persistent shift inside the band
        double z = Math.max(-p.huber, Math.min(p.huber, residual / sigma));
        double drift = s.drift + RobustBandParams.DRIFT_SMOOTHING * (z - s.drift);
        boolean driftAlarm = warm && p.driftLimit > 0 && Math.abs(drift) > p.driftLimit;
        boolean violation = warm && score > threshold || driftAlarm || levelAlarm;
        boolean flag = violation && !s.inEpisode;
        double half = threshold * sigma;
        DetectorResult result = warm
                ? new DetectorResult(value, expected, expected - half, expected + half, score, flag, true)
                : DetectorResult.warmingUp(value, expected);
        if (!learning) {
            return result;
        }
        if (s.hourMeans != null) {
            s.hourSum += value;
            s.hourCount++;
        }

        // episodes: one flag, ended by quietPoints points inside the band
        if (violation) {
            s.inEpisode = true;
            s.quiet = 0;
        } else if (s.inEpisode && ++s.quiet >= p.quietPoints) {
            s.inEpisode = false;
            s.quiet = 0;
        }
        if (levelAlarm) {
            // a sustained shift beyond the previous days' range: the models keep what they knew
            // (learning the shift would widen the band for days); when the shifted level has
            // become the days' range (a new normal), the check ends and the band's jump learns it
            s.runLength = 0;
            s.drift = 0;
            s.lastMillis = timestampMillis;
            s.points++;
            return result;
        }
        int sign = residual >= 0 ? 1 : -1;
        if (violation) {
            s.runLength = sign == s.runSign ? s.runLength + 1 : 1;
            s.runSign = sign;
        } else {
            s.runLength = 0;
        }
        if (warm) {
            s.threshold += p.thresholdStep * (score > s.threshold ? 1 - p.targetRate : -p.targetRate);
            s.threshold = Math.min(p.maxThreshold, Math.max(p.minThreshold, s.threshold));
        }

        // learning
        double learn = s.points < p.warmupPoints ? 1.0 / (s.points + 1) : 0;
        double beta = Math.max(p.beta, learn);
        s.meanAbs += Math.max(beta, 0.01) * (Math.abs(value) - s.meanAbs);
        double pointsPerDay = Math.max(1.0, DAY_MILLIS / (double) bucketMillis);
        double seasonalAlpha = Math.max(learn, Math.min(1.0, bucketMillis / (double) SEASONAL_LEVEL_MILLIS));
        // a slot's profile is the running mean over the first days, then smoothed by gamma per day
        // (per point: a slot's weights sum to about pointsPerDay / 24 a day)
        double gammaDay = Math.min(0.9, Math.max(p.gamma, 1.0 / (Math.floor(days) + 1)));
        double gamma = Math.min(1.0, -Math.log(1 - gammaDay) * RobustBandParams.DAILY_SLOTS / pointsPerDay);
        double flatResidual = value - flatExpected;
        double seasonalResidual = value - seasonalExpected;
        boolean shift = s.runLength >= p.shiftPoints || driftAlarm;
        s.drift = shift ? 0 : warm ? drift : 0;
        if (shift) {
            // a new normal: jump, keep the scales and the profile
            s.flatLevel = value;
            s.seasonalLevel = value - seasonalPart;
            s.runLength = 0;
        } else {
            double flatClip = clip(flatResidual, p.huber * Math.max(s.flatScale, floor), learn > 0);
            s.flatLevel += Math.max(p.alpha, learn) * flatClip;
            double seasonalClip = clip(seasonalResidual, p.huber * Math.max(s.seasonalScale, floor), learn > 0);
            s.seasonalLevel += seasonalAlpha * seasonalClip;
            double profileError = seasonalClip * (1 - seasonalAlpha);
            s.profile[a] += gamma * (1 - w) * profileError;
            s.profile[b] += gamma * w * profileError;
        }
        s.flatScale += beta * (clipAbs(flatResidual, p.huber * Math.max(s.flatScale, floor), learn > 0) - s.flatScale);
        s.seasonalScale += beta
                * (clipAbs(seasonalResidual, p.huber * Math.max(s.seasonalScale, floor), learn > 0) - s.seasonalScale);
        s.seasonal = useSeasonal;
        s.lastMillis = timestampMillis;
        s.points++;
        return result;
    }

    /**
     * Moves the same-hour check to epoch hour {@code hour}: the hour accumulated so far (if any)
     * is compared with the same hour of day on the previous days and stored in its slot.
     */
    private static void startHour(RobustBandParams p, RobustBandState s, long hour, double sigma) {
        if (s.hourMeans == null) {
            s.hourMeans = new float[RobustBandParams.WEEK_HOURS];
            Arrays.fill(s.hourMeans, Float.NaN);
        }
        if (s.hour == hour) {
            return;
        }
        if (s.hour != Long.MIN_VALUE && s.hourCount > 0) {
            closeHour(p, s, sigma);
        }
        if (s.hour == Long.MIN_VALUE || hour - s.hour > 1) {
            s.levelRun = 0; // a gap breaks the run
        }
        s.hour = hour;
        s.hourSum = 0;
        s.hourCount = 0;
    }

    private static void closeHour(RobustBandParams p, RobustBandState s, double pointSigma) {
        double mean = s.hourSum / s.hourCount;
        int hourOfDay = (int) Math.floorMod(s.hour, 24L);
        int slot = (int) Math.floorMod(Math.floorDiv(s.hour, 24L), 7L) * 24 + hourOfDay;
        // the range of the same hour on the previous days (the hour's own slot still holds the
        // same weekday a week ago): beyond all of them, a weekly rhythm (quiet weekends, a
        // backup night) once seen is inside the range
        double highest = Double.NEGATIVE_INFINITY;
        double lowest = Double.POSITIVE_INFINITY;
        int days = 0;
        for (int d = hourOfDay; d < RobustBandParams.WEEK_HOURS; d += 24) {
            double v = s.hourMeans[d];
            if (!Double.isNaN(v)) {
                days++;
                highest = Math.max(highest, v);
                lowest = Math.min(lowest, v);
            }
        }
        // the excess must be a ratio of the reference and at least one standard error of the hour's
        // mean (from the points' robust scale): an hour that is usually near zero is no hair trigger
        double sigma = pointSigma / Math.sqrt(s.hourCount); // standard error of the hour's mean
        double above = mean - highest;
        double below = lowest - mean;
        int side = 0;
        if (days >= RobustBandParams.LEVEL_MIN_DAYS
                && above > Math.max((p.levelRatio - 1) * Math.abs(highest), sigma)) {
            side = 1;
        } else if (days >= RobustBandParams.LEVEL_MIN_DAYS_DOWN
                && below > Math.max((1 - 1 / p.levelRatio) * Math.abs(lowest), sigma)) {
            side = -1;
        } else if (Math.abs(s.levelRun) >= p.levelHours && (s.levelRun > 0 ? above > 0 : below > 0)) {
            // hysteresis: a shift already raised lasts while the hours stay beyond the range
            side = Integer.signum(s.levelRun);
        }
        s.levelRun = side == 0 ? 0 : side == Integer.signum(s.levelRun) ? s.levelRun + side : side;
        s.hourMeans[slot] = (float) mean;
    }

    private static double clip(double r, double limit, boolean warmingUp) {
        return warmingUp ? r : Math.max(-limit, Math.min(limit, r));
    }

    private static double clipAbs(double r, double limit, boolean warmingUp) {
        return warmingUp ? Math.abs(r) : Math.min(Math.abs(r), limit);
    }
}
