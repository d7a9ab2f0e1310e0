package io.flowpulse.ml.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Precision, recall and F1 of point flags against 0/1 labels, point-wise and event-level: an
 * event is a maximal run of labelled points; it is detected when a flag falls inside it, and its
 * detection delay is the time from its first point to its first flag. The "point-adjusted"
 * figures (Xu et al., Donut, WWW 2018) count every point of a detected event as found.
 */
public record DetectionMetrics(long truePositives, long falsePositives, long falseNegatives,
        double precision, double recall, double f1,
        int events, int eventsDetected, double adjustedPrecision, double adjustedRecall, double adjustedF1,
        double meanDelayMillis, double medianDelayMillis, double meanDelayPoints) {

    public static DetectionMetrics of(long[] times, boolean[] flags, int[] labels) {
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < flags.length; i++) {
            boolean l = labels[i] != 0;
            if (flags[i] && l) {
                tp++;
            } else if (flags[i]) {
                fp++;
            } else if (l) {
                fn++;
            }
        }
        int events = 0;
        int detected = 0;
        long adjustedTp = 0;
        List<Long> delays = new ArrayList<>();
        long delayPoints = 0;
        int i = 0;
        while (i < labels.length) {
            if (labels[i] == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < labels.length && labels[i] != 0) {
                i++;
            }
            events++;
            for (int j = start; j < i; j++) {
                if (flags[j]) {
                    detected++;
                    adjustedTp += i - start;
                    delays.add(times[j] - times[start]);
                    delayPoints += j - start;
                    break;
                }
            }
        }
        long labelled = tp + fn;
        double precision = ratio(tp, tp + fp);
        double recall = ratio(tp, labelled);
        double adjustedPrecision = ratio(adjustedTp, adjustedTp + fp);
        double adjustedRecall = ratio(adjustedTp, labelled);
        delays.sort(Long::compare);
        double meanDelay = delays.isEmpty() ? Double.NaN : delays.stream().mapToLong(Long::longValue).average().orElse(0);
        double medianDelay = delays.isEmpty() ? Double.NaN : delays.get(delays.size() / 2);
        return new DetectionMetrics(tp, fp, fn, precision, recall, f1(precision, recall), events, detected,
                adjustedPrecision, adjustedRecall, f1(adjustedPrecision, adjustedRecall), meanDelay, medianDelay,
                delays.isEmpty() ? Double.NaN : (double) delayPoints / delays.size());
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0.0 : (double) a / b;
    }

    private static double f1(double p, double r) {
        return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
    }
}
