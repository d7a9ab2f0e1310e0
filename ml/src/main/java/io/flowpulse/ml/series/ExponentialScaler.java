package io.flowpulse.ml.series;

/**
 * Per-key standard scaler with bounded memory: Welford's running mean and variance, turning into
 * an exponentially weighted estimate once {@code count} reaches {@code maxCount} (so it follows a
 * slowly changing level). A POJO (public fields, no-arg constructor) so it can live in Flink state.
 */
public class ExponentialScaler {
    public long count;
    public double mean;
    public double variance;

    public ExponentialScaler() {}

    /** {@code (x - mean) / std} with the statistics before {@code x}; 0 until two points were seen. */
    public double scale(double x) {
        if (count < 2) {
            return 0.0;
        }
        double std = Math.sqrt(variance);
        return std > 1e-12 ? (x - mean) / std : 0.0;
    }

    /** Adds {@code x}; past {@code maxCount} points the weight of a new point stays 1/maxCount. */
    public void update(double x, long maxCount) {
        if (count < maxCount) {
            count++;
        }
        double w = 1.0 / count;
        double d = x - mean;
        mean += w * d;
        // exponentially weighted variance (equals Welford's population variance while count grows)
        variance = (1 - w) * (variance + w * d * d);
    }
}
