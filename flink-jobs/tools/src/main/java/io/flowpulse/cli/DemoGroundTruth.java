package io.flowpulse.cli;

import io.flowpulse.functions.PortSeriesResampler;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import io.flowpulse.sim.InjectedAnomaly;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The demo's check of itself: the alert episodes the job raised against the anomalies the
 * simulator injected. An episode (one alertId; no-data signals apart) matches an injected anomaly
 * of the same port series when its first bucket ends inside {@code (start, end + slack]}: the
 * anomaly's own buckets, plus the return to normal after it (a drop or level shift ending is part
 * of the same event). An anomaly is found when an episode matches it; an episode matching none is
 * a false episode. Also counts flagged scores in gap-filled buckets (there should be none).
 */
public final class DemoGroundTruth {
    /** How long after an injected anomaly ends an episode still belongs to it. */
    public static final long SLACK_MILLIS = 2 * 3_600_000L;

    /** One alert episode: its series key and the end of its first bucket. */
    record Episode(String alertId, String key, long firstBucketEndMillis) {}

    public record Result(Map<InjectedAnomaly.Kind, int[]> byKind, int injected, int found, int episodes,
            int matchedEpisodes, int noDataSignals, long flaggedFilled, List<InjectedAnomaly> missed) {
        public int falseEpisodes() {
            return episodes - matchedEpisodes;
        }

        public boolean episodesWithinTwiceInjected() {
            return episodes <= 2 * injected;
        }

        public boolean foundAtLeast90Percent() {
            return injected == 0 || found >= 0.9 * injected;
        }
    }

    private DemoGroundTruth() {}

    static String key(String device, CharSequence port, Object direction) {
        return device + "|" + port + "|" + direction;
    }

    public static Result compare(List<InjectedAnomaly> injected, List<Alert> alerts, List<AnomalyScore> scores,
            List<PortPoint> points) {
        Map<String, Episode> episodes = new LinkedHashMap<>();
        Set<String> noData = new HashSet<>();
        for (Alert a : alerts) {
            String id = a.getAlertId().toString();
            if (a.getModelId() != null && PortSeriesResampler.NO_DATA_MODEL_ID.equals(a.getModelId().toString())) {
                noData.add(id);
                continue;
            }
            Episode e = episodes.get(id);
            if (e == null || a.getFirstBucketMillis() < e.firstBucketEndMillis()) {
                episodes.put(id, new Episode(id, key(a.getDevice().toString(), a.getPort(), a.getDirection()),
                        a.getFirstBucketMillis()));
            }
        }
        Map<InjectedAnomaly.Kind, int[]> byKind = new EnumMap<>(InjectedAnomaly.Kind.class);
        Set<String> matched = new HashSet<>();
        List<InjectedAnomaly> missed = new ArrayList<>();
        int found = 0;
        for (InjectedAnomaly a : injected) {
            String k = key(a.device(), a.port(), a.direction());
            boolean hit = false;
            for (Episode e : episodes.values()) {
                if (e.key().equals(k) && e.firstBucketEndMillis() > a.startMillis()
                        && e.firstBucketEndMillis() <= a.endMillis() + SLACK_MILLIS) {
                    matched.add(e.alertId());
                    hit = true;
                }
            }
            int[] c = byKind.computeIfAbsent(a.kind(), x -> new int[2]);
            c[0]++;
            if (hit) {
                c[1]++;
                found++;
            } else {
                missed.add(a);
            }
        }
        Set<String> filled = new HashSet<>();
        for (PortPoint p : points) {
            if (p.getFilled()) {
                filled.add(key(p.getDevice().toString(), p.getPort(), p.getDirection()) + "@" + p.getBucketEndMillis());
            }
        }
        long flaggedFilled = scores.stream().filter(AnomalyScore::getAnomalous)
                .filter(s -> filled.contains(key(s.getDevice().toString(), s.getPort(), s.getDirection()) + "@"
                        + s.getBucketEndMillis()))
                .count();
        return new Result(byKind, injected.size(), found, episodes.size(), matched.size(), noData.size(), flaggedFilled,
                missed);
    }

    public static void print(Result r, PrintStream out, String prefix) {
        out.println(prefix + "injected anomalies vs alert episodes (an episode matches an anomaly of its port when its first");
        out.println(prefix + "bucket ends inside the anomaly or up to 2 h after it):");
        out.println(prefix + String.format(Locale.ROOT, "  %-12s %8s %6s %7s", "kind", "injected", "found", "missed"));
        for (Map.Entry<InjectedAnomaly.Kind, int[]> e : r.byKind().entrySet()) {
            int[] c = e.getValue();
            out.println(prefix + String.format(Locale.ROOT, "  %-12s %8d %6d %7d", e.getKey(), c[0], c[1], c[0] - c[1]));
        }
        out.println(prefix + String.format(Locale.ROOT, "  %-12s %8d %6d %7d", "total", r.injected(), r.found(),
                r.injected() - r.found()));
        out.println(prefix + String.format(Locale.ROOT,
                "  alert episodes %d: %d on injected anomalies, %d false; no-data signals %d; flagged gap-filled buckets %d",
                r.episodes(), r.matchedEpisodes(), r.falseEpisodes(), r.noDataSignals(), r.flaggedFilled()));
        out.println(prefix + String.format(Locale.ROOT, "  targets: episodes <= 2x injected (%d <= %d) %s; found >= 90 %% "
                        + "(%.0f %%) %s; no flag from gap-filled buckets %s",
                r.episodes(), 2 * r.injected(), r.episodesWithinTwiceInjected() ? "yes" : "NO",
                r.injected() == 0 ? 100.0 : 100.0 * r.found() / r.injected(), r.foundAtLeast90Percent() ? "yes" : "NO",
                r.flaggedFilled() == 0 ? "yes" : "NO"));
        int shown = 0;
        for (InjectedAnomaly a : r.missed()) {
            if (shown++ == 8) {
                out.println(prefix + "  ... " + (r.missed().size() - 8) + " more missed");
                break;
            }
            out.println(prefix + String.format(Locale.ROOT, "  missed: %s %s x%.2f %s .. %s", key(a.device(), a.port(),
                    a.direction()), a.kind(), a.factor(), java.time.Instant.ofEpochMilli(a.startMillis()),
                    java.time.Instant.ofEpochMilli(a.endMillis())));
        }
    }

    /** Injected intervals per series key, for the charts. */
    public static Map<String, List<long[]>> intervalsByKey(List<InjectedAnomaly> injected) {
        Map<String, List<long[]>> out = new LinkedHashMap<>();
        for (InjectedAnomaly a : injected) {
            out.computeIfAbsent(key(a.device(), a.port(), a.direction()), k -> new ArrayList<>())
                    .add(new long[] {a.startMillis(), a.endMillis()});
        }
        return out;
    }
}
