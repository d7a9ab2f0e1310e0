package io.flowpulse.patterns;

import java.io.Serializable;
import java.time.Duration;

/**
 * Alert escalation settings: one anomalous bucket opens a WARNING, {@code escalateAfter}
 * consecutive anomalous buckets make it CRITICAL, {@code clearAfter} consecutive normal buckets
 * clear it. {@code bucketMillis} bounds the CEP patterns in time; {@code idleTtl} clears the state
 * of a key that goes silent (an open alert is then CLEARED).
 */
public final class EscalationParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_ESCALATE_AFTER = 4;
    public static final int DEFAULT_CLEAR_AFTER = 2;

    public final int escalateAfter;
    public final int clearAfter;
    public final long bucketMillis;
    public final long idleTtlMillis;

    public EscalationParams(int escalateAfter, int clearAfter, Duration bucket, Duration idleTtl) {
        if (escalateAfter < 2 || clearAfter < 1 || bucket.toMillis() <= 0 || idleTtl.toMillis() <= 0) {
            throw new IllegalArgumentException("need escalateAfter >= 2, clearAfter >= 1, bucket and idleTtl > 0");
        }
        this.escalateAfter = escalateAfter;
        this.clearAfter = clearAfter;
        this.bucketMillis = bucket.toMillis();
        this.idleTtlMillis = idleTtl.toMillis();
    }

    /** 4 to escalate, 2 to clear, 30-minute buckets, 7 days idle TTL. */
    public static EscalationParams defaults() {
        return new EscalationParams(DEFAULT_ESCALATE_AFTER, DEFAULT_CLEAR_AFTER, Duration.ofMinutes(30),
                Duration.ofDays(7));
    }

    @Override
    public String toString() {
        return "EscalationParams{escalateAfter=" + escalateAfter + ", clearAfter=" + clearAfter + ", bucketMillis="
                + bucketMillis + ", idleTtlMillis=" + idleTtlMillis + '}';
    }
}
