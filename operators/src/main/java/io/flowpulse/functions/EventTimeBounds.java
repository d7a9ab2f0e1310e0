package io.flowpulse.functions;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * Plausible event times of input records, relative to the wall clock when the record is read: at
 * most {@code maxAhead} in the future (a device with a wrong clock) and, when set, at most
 * {@code maxAge} in the past. A record outside the bounds never advances the watermark (one record
 * from 2099 would otherwise make every later good record late) and goes to the dead letters.
 * Replays of old captures are legitimate, so by default there is no age bound.
 */
public final class EventTimeBounds implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long maxAheadMillis;
    private final long maxAgeMillis;

    private EventTimeBounds(long maxAheadMillis, long maxAgeMillis) {
        this.maxAheadMillis = maxAheadMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** {@code maxAge} null: no bound in the past. */
    public static EventTimeBounds of(Duration maxAhead, Duration maxAge) {
        if (maxAhead.isNegative() || (maxAge != null && maxAge.isNegative())) {
            throw new IllegalArgumentException("event-time bounds must not be negative");
        }
        return new EventTimeBounds(maxAhead.toMillis(), maxAge == null ? Long.MAX_VALUE : maxAge.toMillis());
    }

    public static EventTimeBounds unbounded() {
        return new EventTimeBounds(Long.MAX_VALUE, Long.MAX_VALUE);
    }

    public boolean accepts(long eventMillis) {
        return check(eventMillis, System.currentTimeMillis()) == null;
    }

    /** Null when {@code eventMillis} is within the bounds at wall-clock time {@code nowMillis}, else why not. */
    public String check(long eventMillis, long nowMillis) {
        if (eventMillis == Long.MIN_VALUE) {
            return "no event time";
        }
        if (maxAheadMillis != Long.MAX_VALUE && eventMillis - nowMillis > maxAheadMillis) {
            return "event time " + Instant.ofEpochMilli(eventMillis) + " is more than " + Duration.ofMillis(maxAheadMillis)
                    + " ahead of the wall clock (" + Instant.ofEpochMilli(nowMillis) + ")";
        }
        if (maxAgeMillis != Long.MAX_VALUE && nowMillis - eventMillis > maxAgeMillis) {
            return "event time " + Instant.ofEpochMilli(eventMillis) + " is more than " + Duration.ofMillis(maxAgeMillis)
                    + " behind the wall clock (" + Instant.ofEpochMilli(nowMillis) + ")";
        }
        return null;
    }

    public String check(long eventMillis) {
        return check(eventMillis, System.currentTimeMillis());
    }
}
