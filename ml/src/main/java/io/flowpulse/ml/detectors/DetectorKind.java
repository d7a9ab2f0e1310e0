package io.flowpulse.ml.detectors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every per-port detector by its one name, used by configuration ({@code detectors.port}), by the
 * job's routing of keys to detector operators and by {@code evaluate-detector}. The first is the
 * default.
 */
public enum DetectorKind {
    /** Robust bands, automatic daily profile, adaptive threshold, one flag per episode (~320 B per key). */
    ROBUST_BAND(RobustBand.ID),
    /** Holt-Winters with Brutlag bands, daily + weekly slots (~10 KB per key at 30-minute buckets). */
    HOLT_WINTERS(HoltWinters.ID),
    /** STL residuals, daily refit. */
    STL(StlResidualDetector.ID),
    /** Thresholded random cut forest (~270 KB per key). */
    RANDOM_CUT_FOREST(RandomCutForestDetector.ID);

    private final String id;

    DetectorKind(String id) {
        this.id = id;
    }

    /** The name in configuration and on the command line, e.g. {@code robust-band}. */
    public String id() {
        return id;
    }

    public static DetectorKind defaultKind() {
        return ROBUST_BAND;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(DetectorKind::id).toList();
    }

    /** The detector named {@code id}; the message lists the known names. */
    public static DetectorKind of(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (DetectorKind k : values()) {
            if (k.id.equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown detector '" + id + "', known: " + ids());
    }
}
