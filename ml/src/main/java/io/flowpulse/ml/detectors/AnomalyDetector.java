package io.flowpulse.ml.detectors;

/**
 * An online detector over one series: feed points in time order, get the expected value, the
 * accepted band and a flag for each point. Implementations are plain Java, one instance per key.
 */
public interface AnomalyDetector {
    /** Scores the point and then learns from it. Points must come in time order. */
    DetectorResult update(long timestampMillis, double value);

    /** Detector id, e.g. {@code holt-winters}. */
    String id();
}
