package io.flowpulse.ml.features;

import java.io.Serializable;

/** Flow assembly parameters (CICFlowMeter / nfstream conventions), all in microseconds. */
public final class FlowAggregatorParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_IDLE_TIMEOUT_MICROS = 120_000_000L;
    public static final long DEFAULT_ACTIVE_TIMEOUT_MICROS = 1_800_000_000L;
    public static final long DEFAULT_ACTIVITY_TIMEOUT_MICROS = 5_000_000L;
    public static final int DEFAULT_FIRST_PACKETS = 30;

    public final long idleTimeoutMicros;
    public final long activeTimeoutMicros;
    public final long activityTimeoutMicros;
    public final int firstPackets;

    public FlowAggregatorParams(long idleTimeoutMicros, long activeTimeoutMicros,
            long activityTimeoutMicros, int firstPackets) {
        if (idleTimeoutMicros <= 0 || activeTimeoutMicros <= 0 || activityTimeoutMicros <= 0 || firstPackets < 0) {
            throw new IllegalArgumentException("timeouts must be > 0 and firstPackets >= 0");
        }
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.activeTimeoutMicros = activeTimeoutMicros;
        this.activityTimeoutMicros = activityTimeoutMicros;
        this.firstPackets = firstPackets;
    }

    public static FlowAggregatorParams defaults() {
        return new FlowAggregatorParams(DEFAULT_IDLE_TIMEOUT_MICROS, DEFAULT_ACTIVE_TIMEOUT_MICROS,
                DEFAULT_ACTIVITY_TIMEOUT_MICROS, DEFAULT_FIRST_PACKETS);
    }
}
