package io.flowpulse.ml.eval;

import io.flowpulse.ml.eval.NabScorer.Profile;
import io.flowpulse.ml.eval.NabScorer.Score;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of one labelled series (or of a whole corpus) for one set of detections: the
 * point-wise, point-adjusted and event metrics of {@link DetectionMetrics} and the NAB-style
 * score under each {@link Profile}.
 *
 * @param name series name (file path relative to the corpus root) or {@code total}
 * @param points points in the series
 * @param detections detections (flagged points, or alert-episode starts)
 */
public record SeriesScore(String name, int points, long detections, DetectionMetrics metrics,
        Map<Profile, Score> nab) {

    /** Scores detections (one flag per point) against 0/1 labels. */
    public static SeriesScore of(String name, long[] times, boolean[] detections, int[] labels) {
        Map<Profile, Score> nab = new EnumMap<>(Profile.class);
        for (Profile p : Profile.values()) {
            nab.put(p, NabScorer.score(detections, labels, p));
        }
        return new SeriesScore(name, times.length, count(detections), DetectionMetrics.of(times, detections, labels), nab);
    }

    /**
     * Corpus totals: NAB raw, null and perfect scores are summed and then normalised (as NAB does);
     * point and event metrics count over all series.
     */
    public static SeriesScore total(List<SeriesScore> parts, List<long[]> times, List<boolean[]> detections,
            List<int[]> labels) {
        int n = 0;
        for (long[] t : times) {
            n += t.length + 1;
        }
        long[] allTimes = new long[n];
        boolean[] allDetections = new boolean[n];
        int[] allLabels = new int[n];
        int at = 0;
        for (int k = 0; k < times.size(); k++) {
            int len = times.get(k).length;
            System.arraycopy(times.get(k), 0, allTimes, at, len);
            System.arraycopy(detections.get(k), 0, allDetections, at, len);
            System.arraycopy(labels.get(k), 0, allLabels, at, len);
            at += len + 1; // one unlabelled, undetected separator: events never span two series
            if (at - 1 < n && len > 0) {
                allTimes[at - 1] = allTimes[at - 2];
            }
        }
        Map<Profile, Score> nab = new EnumMap<>(Profile.class);
        long total = 0;
        int points = 0;
        for (Profile p : Profile.values()) {
            Score sum = Score.zero();
            for (SeriesScore s : parts) {
                sum = sum.plus(s.nab().get(p));
            }
            nab.put(p, sum);
        }
        for (SeriesScore s : parts) {
            total += s.detections();
            points += s.points();
        }
        return new SeriesScore("total", points, total, DetectionMetrics.of(allTimes, allDetections, allLabels), nab);
    }

    public double normalized(Profile p) {
        return nab.get(p).normalized();
    }

    private static long count(boolean[] flags) {
        long c = 0;
        for (boolean f : flags) {
            c += f ? 1 : 0;
        }
        return c;
    }
}
