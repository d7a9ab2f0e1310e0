package io.flowpulse.ml.detectors;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fitted STL residual model of one series: the seasonal value per daily slot, the current level
 * and the robust error scale. POJO (public no-arg constructor, public fields): a Flink ValueState
 * value of {@code 8 · slots + 16} bytes (400 bytes for 30-minute buckets).
 */
public class StlModel {
    public double[] seasonalBySlot;
    public double level;
    public double scale;

    public StlModel() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof StlModel m && Arrays.equals(seasonalBySlot, m.seasonalBySlot)
                && Double.compare(level, m.level) == 0 && Double.compare(scale, m.scale) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(seasonalBySlot), level, scale);
    }
}
