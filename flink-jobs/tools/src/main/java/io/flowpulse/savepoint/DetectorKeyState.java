package io.flowpulse.savepoint;

/**
 * What a savepoint holds for one key of a per-port detector, as read by {@link DetectorStateReaders}.
 * POJO (public no-arg constructor and public fields).
 */
public class DetectorKeyState {
    /** Key of the detector operator: device|port|direction. */
    public String key;
    /** Serialized bytes of every state entry of the key (values and map entries, keys included). */
    public long bytes;
    /** Event time of the last bucket the detector learned from (Long.MIN_VALUE: none). */
    public long lastUpdateMillis = Long.MIN_VALUE;
    /** Refits so far (STL); detectors that learn online (Holt-Winters, RCF) report 0. */
    public long refits;
    /** Event time of the last refit (Long.MIN_VALUE: none or not a refitting detector). */
    public long lastRefitMillis = Long.MIN_VALUE;
    /** Event-time timers registered for the key (cleanup, refit). */
    public int timers;

    public DetectorKeyState() {}
}
