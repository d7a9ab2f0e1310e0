package io.flowpulse.ml.detectors;

/**
 * A detector's answer for one point.
 *
 * @param value the observed value
 * @param expected the forecast made before seeing the value
 * @param lower lower edge of the accepted band ({@code NaN} while warming up)
 * @param upper upper edge of the accepted band ({@code NaN} while warming up)
 * @param score distance from the forecast in deviations (0 while warming up); the flag threshold
 *     depends on the detector (Holt-Winters: {@code delta})
 * @param anomalous the point is flagged
 * @param warm the detector has learned a full season; never anomalous before
 */
public record DetectorResult(double value, double expected, double lower, double upper, double score,
        boolean anomalous, boolean warm) {

    public static DetectorResult warmingUp(double value, double expected) {
        return new DetectorResult(value, expected, Double.NaN, Double.NaN, 0.0, false, false);
    }
}
