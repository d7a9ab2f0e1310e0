package io.flowpulse.ml.detectors;

import com.github.servicenow.ds.stats.stl.SeasonalTrendLoess;
import java.util.Arrays;

/**
 * STL decomposition residual scoring (ServiceNow's {@code stl-decomp-4j}). Keeps a bounded
 * history ({@code historyPoints}, default 8,064) and refits once a day (every {@code period}
 * points, as the operator's daily event-time timer would): a robust STL of the history gives the
 * last season's seasonal component, a level (EWMA of the deseasonalised values, also updated
 * online between refits) and a robust scale (1.4826 · MAD of the one-step errors over the last
 * two days). A point is scored as {@code |y - (level + seasonal[slot])| / scale}, flagged above {@code delta}. Needs three
 * full periods before the first fit; never flags before.
 */
public final class StlResidualDetector implements AnomalyDetector {
    public static final String ID = "stl";
    public static final int DEFAULT_HISTORY_POINTS = 8064;
    /** EWMA weight of the level between refits. */
    public static final double LEVEL_SMOOTHING = 0.05;
    /** Seasonal LOESS width in cycles (odd). stl4j's setPeriodic() fits a line across cycles that an
     * outlier drags, so the usual width 7 with robustness iterations is used. */
    static final int SEASONAL_WIDTH = 7;
    /** Cycles before the first fit: with fewer, the seasonal fits the noise and the scale is too small. */
    public static final int MIN_CYCLES = 3;
    /** Robust STL outer iterations (stl4j's robust default is 15; 3 keeps a refit of 8,064 points
     * within the 20 ms budget and still moves single spikes into the residual). */
    static final int ROBUSTNESS_ITERATIONS = 3;

    private final long bucketMillis;
    private final int period;
    private final int capacity;
    private final double delta;
    private final double[] history;
    private int size;
    private int head;
    private long seen;
    private long lastFitAt = -1;

    private double[] seasonalBySlot;
    private double level;
    private double scale;
    private long lastRefitNanos;

    public StlResidualDetector(long bucketMillis, int historyPoints, double delta) {
        if (HoltWintersParams.DAY_MILLIS % bucketMillis != 0) {
            throw new IllegalArgumentException("bucketMillis must divide a day");
        }
        this.bucketMillis = bucketMillis;
        this.period = (int) (HoltWintersParams.DAY_MILLIS / bucketMillis);
        this.capacity = Math.max(historyPoints, MIN_CYCLES * period);
        this.delta = delta;
        this.history = new double[capacity];
    }

    public static StlResidualDetector forBucket(long bucketMillis) {
        return new StlResidualDetector(bucketMillis, DEFAULT_HISTORY_POINTS, 4.0);
    }

    @Override
    public String id() {
        return ID;
    }

    /** Wall time of the last refit, nanoseconds. */
    public long lastRefitNanos() {
        return lastRefitNanos;
    }

    @Override
    public DetectorResult update(long timestampMillis, double value) {
        long bucket = Math.floorDiv(timestampMillis, bucketMillis);
        DetectorResult result;
        if (seasonalBySlot == null) {
            result = DetectorResult.warmingUp(value, value);
        } else {
            StlModel m = new StlModel();
            m.seasonalBySlot = seasonalBySlot;
            m.level = level;
            m.scale = scale;
            result = score(m, (int) Math.floorMod(bucket, (long) period), value, delta);
            level = m.level;
        }
        // history keeps the observed values; a flagged value is kept too (robust STL downweights it)
        history[head] = value;
        head = (head + 1) % capacity;
        size = Math.min(size + 1, capacity);
        seen++;
        if (size >= MIN_CYCLES * period && (lastFitAt < 0 || seen - lastFitAt >= period)) {
            refit(bucket);
            lastFitAt = seen;
        }
        return result;
    }

    /** Decomposes the history (oldest first) and keeps the last season, level and scale. */
    public void refit(long lastBucket) {
        long started = System.nanoTime();
        double[] data = new double[size];
        int start = (head - size + capacity) % capacity;
        for (int i = 0; i < size; i++) {
            data[i] = history[(start + i) % capacity];
        }
        StlModel m = fit(data, lastBucket, period);
        seasonalBySlot = m.seasonalBySlot;
        level = m.level;
        scale = m.scale;
        lastRefitNanos = System.nanoTime() - started;
    }

    /**
     * Fits a model to {@code data} (oldest first; the last value is bucket {@code lastBucket}):
     * robust STL, then per slot the median of its seasonal values over the cycles (so one anomalous
     * day does not become the next day's expectation), the level as an EWMA of the deseasonalised
     * values, and the scale as 1.4826 · MAD of the one-step errors over the last two cycles
     * (in-sample STL residuals are far smaller than the errors of a forecast).
     */
    public static StlModel fit(double[] data, long lastBucket, int period) {
        int n = data.length;
        if (n < MIN_CYCLES * period) {
            throw new IllegalArgumentException("need " + MIN_CYCLES + " cycles of " + period + " points, got " + n);
        }
        SeasonalTrendLoess.Decomposition d = new SeasonalTrendLoess.Builder()
                .setPeriodLength(period)
                .setSeasonalWidth(SEASONAL_WIDTH)
                .setRobust()
                .setRobustnessIterations(ROBUSTNESS_ITERATIONS)
                .buildSmoother(data)
                .decompose();
        double[] trend = d.getTrend();
        double[] seasonal = d.getSeasonal();
        StlModel m = new StlModel();
        m.seasonalBySlot = new double[period];
        int cycles = n / period;
        double[] perCycle = new double[cycles];
        for (int slotOffset = 0; slotOffset < period; slotOffset++) {
            int i = n - period + slotOffset;
            for (int c = 0; c < cycles; c++) {
                perCycle[c] = seasonal[i - c * period];
            }
            long b = lastBucket - (n - 1 - i);
            m.seasonalBySlot[(int) Math.floorMod(b, (long) period)] = median(perCycle);
        }
        double lvl = trend[0];
        int window = Math.min(n - 1, 2 * period);
        double[] errors = new double[window];
        for (int i = 1; i < n; i++) {
            long b = lastBucket - (n - 1 - i);
            double deseasonalised = data[i] - m.seasonalBySlot[(int) Math.floorMod(b, (long) period)];
            if (i >= n - window) {
                errors[i - (n - window)] = deseasonalised - lvl;
            }
            lvl = LEVEL_SMOOTHING * deseasonalised + (1 - LEVEL_SMOOTHING) * lvl;
        }
        m.level = lvl;
        double center = median(errors);
        for (int i = 0; i < window; i++) {
            errors[i] = Math.abs(errors[i] - center);
        }
        m.scale = 1.4826 * median(errors);
        return m;
    }

    /**
     * Scores {@code value} in {@code slot} against a fitted model and moves the model's level (a
     * flagged value only as far as the band edge).
     */
    public static DetectorResult score(StlModel m, int slot, double value, double delta) {
        double expected = m.level + m.seasonalBySlot[slot];
        double s = Math.max(m.scale, 1e-9 * Math.max(1.0, Math.abs(expected)));
        double score = Math.abs(value - expected) / s;
        double lower = expected - delta * s;
        double upper = expected + delta * s;
        double learned = Math.max(lower, Math.min(upper, value));
        m.level = LEVEL_SMOOTHING * (learned - m.seasonalBySlot[slot]) + (1 - LEVEL_SMOOTHING) * m.level;
        return new DetectorResult(value, expected, lower, upper, score, score > delta, true);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int m = c.length / 2;
        return c.length % 2 == 1 ? c[m] : (c[m - 1] + c[m]) / 2;
    }
}
