package io.flowpulse.ml.series;

/**
 * Rolling z-score outlier clipping: a value is compared with the mean and standard deviation of
 * the previous points in the window (the already clipped values, so one outlier does not widen
 * the band for the next ones). When |z| exceeds the threshold the value is clipped to
 * {@code mean +- threshold * std}; the caller keeps the original and marks the point.
 */
public final class RollingZScore {
    private RollingZScore() {}

    /** z, the value to model (clipped or unchanged), and whether it was clipped. */
    public record Result(double zScore, double value, boolean clipped) {}

    /**
     * @param window the previous values (only the first {@code count} are used)
     * @param minPoints fewer points than this: no clipping, z = 0
     * @param minRelativeStd floor of the std as a fraction of |mean|, so a flat series does not clip its own noise
     */
    public static Result score(double[] window, int count, double x, double threshold, int minPoints,
            double minRelativeStd) {
        if (count < Math.max(2, minPoints)) {
            return new Result(0.0, x, false);
        }
        double mean = 0;
        for (int i = 0; i < count; i++) {
            mean += window[i];
        }
        mean /= count;
        double ss = 0;
        for (int i = 0; i < count; i++) {
            double d = window[i] - mean;
            ss += d * d;
        }
        double std = Math.sqrt(ss / (count - 1));
        std = Math.max(std, Math.max(minRelativeStd * Math.abs(mean), 1e-9));
        double z = (x - mean) / std;
        if (Math.abs(z) <= threshold) {
            return new Result(z, x, false);
        }
        return new Result(z, mean + Math.signum(z) * threshold * std, true);
    }
}
