package io.flowpulse.sim;

import io.flowpulse.records.Direction;

/**
 * Ground truth of one anomaly injected into a port series: the traffic rate in
 * [startMillis, endMillis) is the seasonal baseline times {@code factor}.
 */
public record InjectedAnomaly(String device, String port, Direction direction, long startMillis, long endMillis,
        Kind kind, double factor) {

    public enum Kind {
        /** Short burst: rate times 3..6 for 30 min to 2 h. */
        SPIKE,
        /** Outage: rate times 0.02..0.15 for 1 to 6 h. */
        DROP,
        /** Sustained change of level (x1.8..2.5 or x0.35..0.5) for 12 to 48 h. */
        LEVEL_SHIFT
    }

    public boolean covers(long millis) {
        return millis >= startMillis && millis < endMillis;
    }
}
