package io.flowpulse.ml.detectors;

import java.util.Objects;

/**
 * One seasonal slot of a Holt-Winters model (a daily slot carries its Brutlag deviation too; a
 * weekly slot only its coefficient). Kept per slot index (Flink MapState entry), not as one array.
 * POJO: public no-arg constructor and public fields.
 */
public class SeasonalSlot {
    /** Seasonal coefficient; while warming up the raw mean of the slot's values. */
    public double seasonal;
    /** Smoothed absolute forecast error of the slot (Brutlag deviation). */
    public double deviation;
    /** Values seen while warming up. */
    public int samples;
    /** {@code seasonal} is relative to the level (false: still the raw warm-up mean). */
    public boolean centered;

    public SeasonalSlot() {}

    public SeasonalSlot(double seasonal, double deviation, int samples, boolean centered) {
        this.seasonal = seasonal;
        this.deviation = deviation;
        this.samples = samples;
        this.centered = centered;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SeasonalSlot s)) {
            return false;
        }
        return Double.compare(seasonal, s.seasonal) == 0 && Double.compare(deviation, s.deviation) == 0
                && samples == s.samples && centered == s.centered;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seasonal, deviation, samples, centered);
    }

    @Override
    public String toString() {
        return "SeasonalSlot{s=" + seasonal + ", dev=" + deviation + ", n=" + samples + ", c=" + centered + '}';
    }
}
