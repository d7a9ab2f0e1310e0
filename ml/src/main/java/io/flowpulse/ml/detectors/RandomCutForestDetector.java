package io.flowpulse.ml.detectors;

import com.amazon.randomcutforest.config.Precision;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.ForecastDescriptor;
import com.amazon.randomcutforest.parkservices.RCFCaster;
import com.amazon.randomcutforest.parkservices.state.RCFCasterMapper;
import com.amazon.randomcutforest.parkservices.state.RCFCasterState;
import com.amazon.randomcutforest.returntypes.RangeVector;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Thresholded Random Cut Forest on internally shingled points, from Amazon's
 * {@code randomcutforest-parkservices} ({@link RCFCaster}: the thresholded forest plus a calibrated
 * one-step forecast). The expected value and band of a point are the forecast the forest made
 * one step earlier (its calibrated interval); the flag is the library's anomaly grade > 0 and the
 * score its RCF score. State is the whole forest (hundreds of KB per key), so this detector is
 * for evaluation and for a few chosen keys, not the per-port default.
 */
public final class RandomCutForestDetector implements AnomalyDetector {
    public static final String ID = "random-cut-forest";

    public static final int DEFAULT_SHINGLE_SIZE = 8;
    public static final int DEFAULT_TREES = 30;
    public static final int DEFAULT_SAMPLE_SIZE = 256;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final RCFCaster forest;
    private RangeVector previousForecast;

    private RandomCutForestDetector(RCFCaster forest, RangeVector previousForecast) {
        this.forest = forest;
        this.previousForecast = previousForecast;
    }

    public RandomCutForestDetector(int shingleSize, int trees, int sampleSize, double anomalyRate, long seed) {
        this.forest = RCFCaster.builder()
                .dimensions(shingleSize)
                .shingleSize(shingleSize)
                .internalShinglingEnabled(true)
                .numberOfTrees(trees)
                .sampleSize(sampleSize)
                .precision(Precision.FLOAT_32)
                .anomalyRate(anomalyRate)
                .transformMethod(TransformMethod.NORMALIZE)
                .forecastHorizon(1)
                .errorHorizon(Math.max(32, sampleSize / 2))
                .randomSeed(seed)
                .build();
    }

    public static RandomCutForestDetector defaults() {
        return new RandomCutForestDetector(DEFAULT_SHINGLE_SIZE, DEFAULT_TREES, DEFAULT_SAMPLE_SIZE, 0.005, 42L);
    }

    /**
     * Model bytes: the library's {@link RCFCasterState} (via {@link RCFCasterMapper}) and the
     * pending one-step forecast, as JSON. Hundreds of KB for the default forest.
     */
    public byte[] encode() {
        Envelope e = new Envelope();
        e.forest = new RCFCasterMapper().toState(forest);
        if (previousForecast != null) {
            e.values = previousForecast.values;
            e.upper = previousForecast.upper;
            e.lower = previousForecast.lower;
        }
        try {
            return JSON.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static RandomCutForestDetector decode(byte[] bytes) {
        try {
            Envelope e = JSON.readValue(bytes, Envelope.class);
            RCFCaster forest = new RCFCasterMapper().toModel(e.forest, 0L);
            RangeVector previous = e.values == null ? null : new RangeVector(e.values, e.upper, e.lower);
            return new RandomCutForestDetector(forest, previous);
        } catch (IOException ex) {
            throw new IllegalArgumentException("corrupt random cut forest model", ex);
        }
    }

    /** JSON envelope of {@link #encode()}. */
    public static class Envelope {
        public RCFCasterState forest;
        public float[] values;
        public float[] upper;
        public float[] lower;
    }

    /** The library model (for state mapping and size measurements). */
    public RCFCaster model() {
        return forest;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public DetectorResult update(long timestampMillis, double value) {
        RangeVector expected = previousForecast;
        ForecastDescriptor d = forest.process(new double[] {value}, timestampMillis);
        RangeVector next = d.getTimedForecast() == null ? null : d.getTimedForecast().rangeVector;
        previousForecast = next != null && next.values.length > 0 ? new RangeVector(next) : null;
        boolean warm = expected != null && d.getRCFScore() > 0;
        if (!warm) {
            return DetectorResult.warmingUp(value, expected != null ? expected.values[0] : value);
        }
        return new DetectorResult(value, expected.values[0], expected.lower[0], expected.upper[0], d.getRCFScore(),
                d.getAnomalyGrade() > 0, true);
    }
}
