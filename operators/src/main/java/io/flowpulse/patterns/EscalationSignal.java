package io.flowpulse.patterns;

import io.flowpulse.records.Direction;
import java.util.Objects;

/**
 * What one CEP match says about a port series: an anomalous bucket ({@link Kind#OPEN}), a run of
 * anomalous buckets long enough to escalate, or a run of normal buckets long enough to clear.
 * POJO: public no-arg constructor and public fields.
 */
public class EscalationSignal {
    /** Applied in this order when several signals share an event time. */
    public enum Kind { OPEN, ESCALATE, CLEAR }

    public Kind kind;
    /** {@code device|port|direction}. */
    public String key;
    public String device;
    public String port;
    public Direction direction;
    /** Bucket end of the first and last matched bucket. */
    public long firstBucketMillis;
    public long lastBucketMillis;
    /** Anomalous buckets in the match. */
    public int anomalousBuckets;
    public double peakScore;
    public String modelId;
    /** Record timestamp of the match (event time of its last bucket); set by the episode function. */
    public long eventTimeMillis;

    public EscalationSignal() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EscalationSignal s)) {
            return false;
        }
        return kind == s.kind && Objects.equals(key, s.key) && Objects.equals(device, s.device)
                && Objects.equals(port, s.port) && direction == s.direction
                && firstBucketMillis == s.firstBucketMillis && lastBucketMillis == s.lastBucketMillis
                && anomalousBuckets == s.anomalousBuckets && Double.compare(peakScore, s.peakScore) == 0
                && Objects.equals(modelId, s.modelId) && eventTimeMillis == s.eventTimeMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, key, firstBucketMillis, lastBucketMillis);
    }

    @Override
    public String toString() {
        return "EscalationSignal{" + kind + ' ' + key + " [" + firstBucketMillis + ", " + lastBucketMillis + "] n="
                + anomalousBuckets + " peak=" + peakScore + '}';
    }
}
