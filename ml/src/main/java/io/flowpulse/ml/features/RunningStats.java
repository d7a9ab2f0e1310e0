package io.flowpulse.ml.features;

/**
 * Welford running statistics over a stream of values: count, sum, mean, sample variance, min and
 * max in six scalars, so flow state stays bounded whatever the number of packets. A POJO (public
 * fields, public no-arg constructor) so it can live inside Flink state without Kryo.
 */
public class RunningStats {
    public long count;
    public double sum;
    public double mean;
    /** Sum of squared differences from the mean (Welford's M2). */
    public double m2;
    public double min;
    public double max;

    public RunningStats() {}

    public void add(double x) {
        count++;
        sum += x;
        double delta = x - mean;
        mean += delta / count;
        m2 += delta * (x - mean);
        if (count == 1) {
            min = x;
            max = x;
        } else {
            if (x < min) {
                min = x;
            }
            if (x > max) {
                max = x;
            }
        }
    }

    /** Mean, 0 when empty. */
    public double mean() {
        return count == 0 ? 0.0 : mean;
    }

    /** Sample variance (n - 1 denominator, as CICFlowMeter's commons-math statistics), 0 below 2 values. */
    public double variance() {
        return count < 2 ? 0.0 : Math.max(0.0, m2 / (count - 1));
    }

    public double std() {
        return Math.sqrt(variance());
    }

    /** Minimum, 0 when empty. */
    public double min() {
        return count == 0 ? 0.0 : min;
    }

    /** Maximum, 0 when empty. */
    public double max() {
        return count == 0 ? 0.0 : max;
    }

    /** Back to the empty state of {@code new RunningStats()}. */
    public void reset() {
        count = 0;
        sum = 0;
        mean = 0;
        m2 = 0;
        min = 0;
        max = 0;
    }

    public RunningStats copy() {
        RunningStats c = new RunningStats();
        c.count = count;
        c.sum = sum;
        c.mean = mean;
        c.m2 = m2;
        c.min = min;
        c.max = max;
        return c;
    }
}
