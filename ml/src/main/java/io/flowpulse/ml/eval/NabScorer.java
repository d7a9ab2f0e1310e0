package io.flowpulse.ml.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * NAB-style scoring (Lavin and Ahmad, "Evaluating real-time anomaly detection algorithms - the
 * Numenta Anomaly Benchmark", 2015) of detections against labelled anomalies, as NAB's labeler and
 * sweeper define it; written from its documented rules (see {@code docs/detector-scoring.md}):
 *
 * <ul>
 *   <li><b>Windows.</b> A series of {@code n} points with {@code k} labelled anomalies gets windows
 *       of {@code w = floor(0.10 n / k)} points centred on each anomaly:
 *       {@code [a - floor(w/2), a + floor(w/2)]}, clipped to the series. A labelled anomaly here is
 *       a maximal run of labelled points {@code [s, e]}; its window is {@code [s - floor(w/2),
 *       e + floor(w/2)]} (for a one-point run exactly NAB's window). Overlapping windows merge.</li>
 *   <li><b>Probation.</b> The first {@code min(floor(0.15 n), 750)} points are not scored: a
 *       detection there counts for nothing, and a window lying wholly inside it is not counted.</li>
 *   <li><b>Detections in a window.</b> Only the best (earliest) counts:
 *       {@code tpWeight · σ(p) / σ(-1)} with {@code p = -(right - i + 1) / width} and the scaled
 *       sigmoid {@code σ(x) = 2 / (1 + e^{5x}) - 1} ({@code σ(x) = -1} for {@code x >= 3}). A
 *       window with no detection costs {@code -fnWeight}.</li>
 *   <li><b>Detections outside windows.</b> Each costs {@code fpWeight · σ(p)} with
 *       {@code p = |i - previousRight| / (previousWidth - 1)} after a window, {@code p = 3}
 *       (i.e. {@code -fpWeight}) before the first one: a detection just after a window costs
 *       little, one far from any window the full weight.</li>
 *   <li><b>Normalisation.</b> {@code 100 · (raw - null) / (perfect - null)}, where the null detector
 *       never fires ({@code -fnWeight} per window) and the perfect one fires on the first scored
 *       point of every window; corpus totals normalise the sums of raw, null and perfect.</li>
 * </ul>
 *
 * Hand-written: NAB itself is Python and no maintained Java port exists.
 */
public final class NabScorer {
    /** NAB's window size as a fraction of the series length (shared by all windows). */
    public static final double WINDOW_FRACTION = 0.10;
    /** NAB's probation period as a fraction of the series length... */
    public static final double PROBATION_FRACTION = 0.15;
    /** ...capped at this fraction of 5000 points (750). */
    public static final double PROBATION_CAP = PROBATION_FRACTION * 5000;

    /** NAB's cost matrices. */
    public enum Profile {
        STANDARD("standard", 1.0, 0.11, 1.0),
        REWARD_LOW_FP("reward_low_FP_rate", 1.0, 0.22, 1.0),
        REWARD_LOW_FN("reward_low_FN_rate", 1.0, 0.11, 2.0);

        public final String nabName;
        public final double tpWeight;
        public final double fpWeight;
        public final double fnWeight;

        Profile(String nabName, double tpWeight, double fpWeight, double fnWeight) {
            this.nabName = nabName;
            this.tpWeight = tpWeight;
            this.fpWeight = fpWeight;
            this.fnWeight = fnWeight;
        }
    }

    /** A window of point indexes, both ends included. */
    public record Window(int left, int right) {
        public int width() {
            return right - left + 1;
        }
    }

    /**
     * The score of one series under one profile.
     *
     * @param raw the detector's raw score
     * @param nullScore the score of a detector that never fires
     * @param perfect the score of a detector that fires at the first scored point of each window
     * @param windows scored windows
     * @param windowsDetected windows with a scored detection inside
     * @param falsePositives scored detections outside every window
     */
    public record Score(double raw, double nullScore, double perfect, int windows, int windowsDetected,
            int falsePositives) {
        /** {@code 100 (raw - null) / (perfect - null)}; NaN for a series without scored windows. */
        public double normalized() {
            return perfect - nullScore == 0 ? Double.NaN : 100 * (raw - nullScore) / (perfect - nullScore);
        }

        public Score plus(Score o) {
            return new Score(raw + o.raw, nullScore + o.nullScore, perfect + o.perfect, windows + o.windows,
                    windowsDetected + o.windowsDetected, falsePositives + o.falsePositives);
        }

        public static Score zero() {
            return new Score(0, 0, 0, 0, 0, 0);
        }
    }

    private NabScorer() {}

    public static int probationLength(int n) {
        return (int) Math.min(Math.floor(PROBATION_FRACTION * n), PROBATION_CAP);
    }

    /** NAB's windows for 0/1 labels of {@code labels.length} points (merged, in order). */
    public static List<Window> windows(int[] labels) {
        int n = labels.length;
        List<int[]> runs = new ArrayList<>();
        int i = 0;
        while (i < n) {
            if (labels[i] == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && labels[i] != 0) {
                i++;
            }
            runs.add(new int[] {start, i - 1});
        }
        List<Window> windows = new ArrayList<>();
        if (runs.isEmpty()) {
            return windows;
        }
        int width = (int) (WINDOW_FRACTION * n / runs.size());
        int half = width / 2;
        for (int[] r : runs) {
            int left = Math.max(0, r[0] - half);
            int right = Math.min(n - 1, r[1] + half);
            if (!windows.isEmpty() && windows.get(windows.size() - 1).right() >= left) {
                Window last = windows.remove(windows.size() - 1);
                windows.add(new Window(last.left(), Math.max(last.right(), right)));
            } else {
                windows.add(new Window(left, right));
            }
        }
        return windows;
    }

    /** NAB's scaled sigmoid of a relative position. */
    public static double scaledSigmoid(double relativePosition) {
        if (relativePosition >= 3.0) {
            return -1.0;
        }
        return 2 / (1 + Math.exp(5 * relativePosition)) - 1.0;
    }

    /** Scores detections (one flag per point) against labels (one 0/1 per point). */
    public static Score score(boolean[] detections, int[] labels, Profile profile) {
        if (detections.length != labels.length) {
            throw new IllegalArgumentException("detections and labels differ in length");
        }
        return score(detections, windows(labels), probationLength(labels.length), profile);
    }

    /** Scores detections against given windows with a given probation length. */
    public static Score score(boolean[] detections, List<Window> windows, int probation, Profile profile) {
        int n = detections.length;
        double maxTp = scaledSigmoid(-1.0);
        double raw = 0;
        double nullScore = 0;
        double perfect = 0;
        int scoredWindows = 0;
        int detected = 0;
        int falsePositives = 0;
        int w = 0;
        int previousRight = -1;
        int previousWidth = 0;
        int i = 0;
        while (i < n) {
            Window current = w < windows.size() ? windows.get(w) : null;
            if (current != null && i >= current.left()) {
                // inside a window: the best (earliest) scored detection counts
                double width = current.width();
                boolean scored = current.right() >= probation;
                double best = Double.NaN;
                for (int j = Math.max(current.left(), probation); j <= Math.min(current.right(), n - 1); j++) {
                    if (detections[j]) {
                        best = profile.tpWeight * scaledSigmoid(-(current.right() - j + 1) / width) / maxTp;
                        break;
                    }
                }
                if (scored) {
                    scoredWindows++;
                    int first = Math.max(current.left(), probation);
                    perfect += profile.tpWeight * scaledSigmoid(-(current.right() - first + 1) / width) / maxTp;
                    nullScore -= profile.fnWeight;
                    if (Double.isNaN(best)) {
                        raw -= profile.fnWeight;
                    } else {
                        raw += best;
                        detected++;
                    }
                }
                previousRight = current.right();
                previousWidth = current.width();
                i = current.right() + 1;
                w++;
                continue;
            }
            if (detections[i] && i >= probation) {
                double position = previousRight < 0 ? 3.0
                        : Math.abs(previousRight - i) / (double) Math.max(1, previousWidth - 1);
                raw += profile.fpWeight * scaledSigmoid(position);
                falsePositives++;
            }
            i++;
        }
        return new Score(raw, nullScore, perfect, scoredWindows, detected, falsePositives);
    }
}
