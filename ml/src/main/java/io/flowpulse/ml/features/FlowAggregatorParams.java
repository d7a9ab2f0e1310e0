package io.flowpulse.ml.features;

import java.io.Serializable;

/** Flow assembly parameters (CICFlowMeter / nfstream conventions), all in microseconds. */
public final class FlowAggregatorParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_IDLE_TIMEOUT_MICROS = 120_000_000L;
    public static final long DEFAULT_ACTIVE_TIMEOUT_MICROS = 1_800_000_000L;
    public static final long DEFAULT_ACTIVITY_TIMEOUT_MICROS = 5_000_000L;
    public static final int DEFAULT_FIRST_PACKETS = 30;
    /** How long a TCP flow that saw FIN in both directions waits for its closing ACK. */
    public static final long DEFAULT_CLOSING_TIMEOUT_MICROS = 2_000_000L;
    /** First-bytes input: off by default; when on, at most this many packets x bytes per flow. */
    public static final int DEFAULT_FIRST_BYTES_LENGTH = 64;
    public static final int MAX_FIRST_BYTES_PACKETS = 10;
    public static final int MAX_FIRST_BYTES_LENGTH = 128;

    public final long idleTimeoutMicros;
    public final long activeTimeoutMicros;
    public final long activityTimeoutMicros;
    public final int firstPackets;
    /**
     * After FIN was seen in both directions the flow stays open this long (event time) for the
     * closing ACK, so that ACK is counted in the flow instead of opening a residual 1-packet flow.
     */
    public final long closingTimeoutMicros;
    /**
     * Keep the first {@link #firstBytesLength} bytes of the transport header and payload of the
     * flow's first {@code firstBytesPackets} packets (nPrint / AutoML4ETC input); 0 = off, nothing
     * kept and nothing in the state.
     */
    public final int firstBytesPackets;
    public final int firstBytesLength;

    public FlowAggregatorParams(long idleTimeoutMicros, long activeTimeoutMicros,
            long activityTimeoutMicros, int firstPackets) {
        this(idleTimeoutMicros, activeTimeoutMicros, activityTimeoutMicros, firstPackets,
                DEFAULT_CLOSING_TIMEOUT_MICROS);
    }

    public FlowAggregatorParams(long idleTimeoutMicros, long activeTimeoutMicros,
            long activityTimeoutMicros, int firstPackets, long closingTimeoutMicros) {
        this(idleTimeoutMicros, activeTimeoutMicros, activityTimeoutMicros, firstPackets, closingTimeoutMicros, 0,
                DEFAULT_FIRST_BYTES_LENGTH);
    }

    public FlowAggregatorParams(long idleTimeoutMicros, long activeTimeoutMicros, long activityTimeoutMicros,
            int firstPackets, long closingTimeoutMicros, int firstBytesPackets, int firstBytesLength) {
        if (firstBytesPackets < 0 || firstBytesPackets > MAX_FIRST_BYTES_PACKETS || firstBytesLength < 1
                || firstBytesLength > MAX_FIRST_BYTES_LENGTH) {
            throw new IllegalArgumentException("first bytes: 0.." + MAX_FIRST_BYTES_PACKETS + " packets x 1.."
                    + MAX_FIRST_BYTES_LENGTH + " bytes, not " + firstBytesPackets + " x " + firstBytesLength);
        }
        this.firstBytesPackets = firstBytesPackets;
        this.firstBytesLength = firstBytesLength;
        if (idleTimeoutMicros <= 0 || activeTimeoutMicros <= 0 || activityTimeoutMicros <= 0 || firstPackets < 0
                || closingTimeoutMicros <= 0) {
            throw new IllegalArgumentException("timeouts must be > 0 and firstPackets >= 0");
        }
        if (firstPackets > 4096) {
            throw new IllegalArgumentException("firstPackets must be <= 4096 (bounded state per flow)");
        }
        this.closingTimeoutMicros = closingTimeoutMicros;
        this.idleTimeoutMicros = idleTimeoutMicros;
        this.activeTimeoutMicros = activeTimeoutMicros;
        this.activityTimeoutMicros = activityTimeoutMicros;
        this.firstPackets = firstPackets;
    }

    /** These parameters with the first-bytes input set (0 packets = off). */
    public FlowAggregatorParams withFirstBytes(int packets, int length) {
        return new FlowAggregatorParams(idleTimeoutMicros, activeTimeoutMicros, activityTimeoutMicros, firstPackets,
                closingTimeoutMicros, packets, length);
    }

    public static FlowAggregatorParams defaults() {
        return new FlowAggregatorParams(DEFAULT_IDLE_TIMEOUT_MICROS, DEFAULT_ACTIVE_TIMEOUT_MICROS,
                DEFAULT_ACTIVITY_TIMEOUT_MICROS, DEFAULT_FIRST_PACKETS);
    }
}
