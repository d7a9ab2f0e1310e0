package io.flowpulse.ml.features;

/**
 * Bulk transfer detection for one direction of a flow, following the definition CICFlowMeter
 * documents: a bulk is a run of at least {@value #MIN_PACKETS} consecutive payload-carrying
 * packets in the same direction, each within {@value #MAX_GAP_MICROS} microseconds of the previous
 * one, not interrupted by a payload-carrying packet of the opposite direction. Scalars only.
 */
public class BulkTracker {
    public static final int MIN_PACKETS = 4;
    public static final long MAX_GAP_MICROS = 1_000_000L;

    /** Start of the candidate run, -1 when there is none. */
    public long candidateStartMicros = -1;
    public long candidateLastMicros = -1;
    public long candidatePackets;
    public long candidateBytes;
    /** Last payload-carrying packet of this direction, -1 when none yet. */
    public long lastPayloadMicros = -1;
    public long bulkCount;
    public long bulkPackets;
    public long bulkBytes;
    public long bulkDurationMicros;

    public BulkTracker() {}

    /** Back to the state of {@code new BulkTracker()}. */
    public void reset() {
        candidateStartMicros = -1;
        candidateLastMicros = -1;
        candidatePackets = 0;
        candidateBytes = 0;
        lastPayloadMicros = -1;
        bulkCount = 0;
        bulkPackets = 0;
        bulkBytes = 0;
        bulkDurationMicros = 0;
    }

    /**
     * Adds one packet of this direction.
     *
     * @param oppositeLastPayloadMicros last payload-carrying packet of the opposite direction, -1 if none
     */
    public void add(long micros, int payload, long oppositeLastPayloadMicros) {
        if (candidateStartMicros >= 0 && oppositeLastPayloadMicros > candidateStartMicros) {
            candidateStartMicros = -1; // the other side spoke in between: no bulk across it
        }
        if (payload <= 0) {
            return;
        }
        if (candidateStartMicros < 0 || micros - candidateLastMicros > MAX_GAP_MICROS) {
            candidateStartMicros = micros;
            candidateLastMicros = micros;
            candidatePackets = 1;
            candidateBytes = payload;
        } else {
            candidatePackets++;
            candidateBytes += payload;
            if (candidatePackets == MIN_PACKETS) {
                bulkCount++;
                bulkPackets += candidatePackets;
                bulkBytes += candidateBytes;
                bulkDurationMicros += micros - candidateStartMicros;
            } else if (candidatePackets > MIN_PACKETS) {
                bulkPackets++;
                bulkBytes += payload;
                bulkDurationMicros += micros - candidateLastMicros;
            }
            candidateLastMicros = micros;
        }
        lastPayloadMicros = micros;
    }

    /** Average payload bytes per bulk, 0 without bulks. */
    public double bytesPerBulk() {
        return bulkCount == 0 ? 0.0 : (double) bulkBytes / bulkCount;
    }

    /** Average packets per bulk, 0 without bulks. */
    public double packetsPerBulk() {
        return bulkCount == 0 ? 0.0 : (double) bulkPackets / bulkCount;
    }

    /** Bulk payload bytes per second of bulk time, 0 without bulks or bulk time. */
    public double rate() {
        return bulkDurationMicros <= 0 ? 0.0 : bulkBytes / (bulkDurationMicros / 1e6);
    }
}
