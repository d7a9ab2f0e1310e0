package io.flowpulse.ml.classify;

import java.util.List;

/**
 * A trained flow classifier ready to serve: plain Java, no Flink. {@link #predictProba} must not
 * allocate: the operator calls it once per flow with reused arrays.
 */
public interface ClassifierModel {
    /** The payload format this model encodes to, e.g. {@code flowpulse-forest-v1}. */
    String format();

    FeatureSchema featureSchema();

    /** Class labels; index i of the probability vector belongs to labels().get(i). */
    List<String> labels();

    /** Writes class probabilities (summing to 1) for feature vector {@code x} into {@code out}. */
    void predictProba(double[] x, double[] out);

    /**
     * Scores {@code count} flows at once: {@code out[i]} gets the probabilities of {@code xs[i]}.
     * Models with a per-call cost (a native engine) override it with one batched pass.
     */
    default void predictProbaBatch(double[][] xs, int count, double[][] out) {
        for (int i = 0; i < count; i++) {
            predictProba(xs[i], out[i]);
        }
    }

    /** True when {@link #predictProbaBatch} is much cheaper per flow than {@link #predictProba}. */
    default boolean prefersBatches() {
        return false;
    }

    /** The model data as bytes; {@link ClassifierModels#decode} restores an identical model. */
    byte[] encode();
}
