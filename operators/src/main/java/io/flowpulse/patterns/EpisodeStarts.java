package io.flowpulse.patterns;

/**
 * The escalation rules of {@link EscalationPatterns} and {@code AlertEpisodeFunction} replayed over
 * one series in plain Java, for offline evaluation: an anomalous bucket opens an episode when none
 * is open (the OPEN alert), {@code clearAfter} consecutive normal buckets, each one bucket after the
 * previous, close it (CLEAR), and a key silent for {@code idleTtl} is cleared. The streaming job
 * does the same with CEP; {@code EpisodeStartsTest} checks the rules on hand-made runs.
 */
public final class EpisodeStarts {
    private final EscalationParams params;
    private boolean open;
    private int normalRun;
    private long lastNormalBucket = Long.MIN_VALUE;
    private long lastSeen = Long.MIN_VALUE;

    public EpisodeStarts(EscalationParams params) {
        this.params = params;
    }

    /**
     * Feeds one scored bucket (in time order); returns true when it opens an alert episode. A
     * missing bucket breaks a run of normal buckets (the CLEAR pattern needs strict succession).
     */
    public boolean update(long bucketMillis, boolean anomalous) {
        if (open && lastSeen != Long.MIN_VALUE && bucketMillis - lastSeen >= params.idleTtlMillis) {
            open = false;
        }
        lastSeen = bucketMillis;
        if (anomalous) {
            normalRun = 0;
            if (!open) {
                open = true;
                return true;
            }
            return false;
        }
        if (open) {
            boolean successive = lastNormalBucket != Long.MIN_VALUE && normalRun > 0
                    && bucketMillis - lastNormalBucket <= params.bucketMillis;
            normalRun = successive ? normalRun + 1 : 1;
            lastNormalBucket = bucketMillis;
            if (normalRun >= params.clearAfter) {
                open = false;
                normalRun = 0;
            }
        }
        return false;
    }

    /** Episode starts of a whole series of flags. */
    public static boolean[] of(long[] bucketMillis, boolean[] flags, EscalationParams params) {
        EpisodeStarts e = new EpisodeStarts(params);
        boolean[] starts = new boolean[flags.length];
        for (int i = 0; i < flags.length; i++) {
            starts[i] = e.update(bucketMillis[i], flags[i]);
        }
        return starts;
    }
}
