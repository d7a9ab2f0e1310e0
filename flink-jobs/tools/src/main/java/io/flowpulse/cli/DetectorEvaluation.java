package io.flowpulse.cli;

import io.flowpulse.ml.detectors.AnomalyDetector;
import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.Detectors;
import io.flowpulse.ml.eval.DetectionMetrics;
import io.flowpulse.ml.eval.LabeledSeries;
import io.flowpulse.ml.eval.NabScorer.Profile;
import io.flowpulse.ml.eval.NabScorer.Score;
import io.flowpulse.ml.eval.SeriesScore;
import io.flowpulse.patterns.EpisodeStarts;
import io.flowpulse.patterns.EscalationParams;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The work of {@code evaluate-detector}: runs a detector over one labelled series or over every
 * {@code *.csv} under a directory (a corpus), and prints per series and in total the NAB-style
 * scores next to the point-wise, point-adjusted and event metrics. A detection is a flagged point,
 * or with {@link Detections#EPISODES} the first point of an alert episode under the job's
 * escalation rules ({@link EpisodeStarts}, default {@link EscalationParams}). Missing values are not
 * fed to the detector and never detections.
 */
public final class DetectorEvaluation {
    /** What counts as a detection. */
    public enum Detections { POINTS, EPISODES }

    /** Options of one evaluation. {@code bucketMillis} null: each series' median step. */
    public record Request(Path input, String detector, Map<String, String> options, String labelColumn,
            Long bucketMillis, Detections detections, Path output) {}

    private final Request request;
    private final PrintStream out;

    public DetectorEvaluation(Request request, PrintStream out) {
        this.request = request;
        this.out = out;
    }

    /** Series files under a directory (sorted), or the file itself. */
    public static List<Path> seriesFiles(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            if (!Files.exists(input)) {
                throw new java.nio.file.NoSuchFileException(input.toString());
            }
            return List.of(input);
        }
        try (Stream<Path> s = Files.walk(input)) {
            List<Path> files = s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv"))
                    .sorted().toList();
            if (files.isEmpty()) {
                throw new LabeledSeries.SeriesFormatException(input + ": no *.csv series under this directory");
            }
            return files;
        }
    }

    public int run() throws IOException {
        List<Path> files = seriesFiles(request.input());
        boolean corpus = Files.isDirectory(request.input());
        if (corpus && request.output() != null) {
            Files.createDirectories(request.output());
        }
        List<SeriesScore> scores = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        List<boolean[]> detections = new ArrayList<>();
        List<int[]> labels = new ArrayList<>();
        long started = System.nanoTime();
        long points = 0;
        if (corpus) {
            out.printf(Locale.ROOT, "detector %s, detections: %s, corpus %s (%d series)%n", request.detector(),
                    request.detections().name().toLowerCase(Locale.ROOT), request.input(), files.size());
            header();
        }
        for (Path f : files) {
            LabeledSeries series = LabeledSeries.read(f, request.labelColumn());
            String name = corpus ? request.input().relativize(f).toString() : f.getFileName().toString();
            Path scoresFile = request.output() == null ? null
                    : corpus ? request.output().resolve(name.replace('/', '_').replace('\\', '_')) : request.output();
            boolean[] d = detect(f, series, scoresFile);
            points += series.size();
            if (!series.labelled()) {
                if (!corpus) {
                    out.printf(Locale.ROOT, "%s: no label column; %d detections written%n", name, count(d));
                }
                continue;
            }
            SeriesScore s = SeriesScore.of(name, series.times(), d, series.labels());
            scores.add(s);
            times.add(series.times());
            detections.add(d);
            labels.add(series.labels());
            if (corpus) {
                row(s);
            } else {
                single(s, series);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (corpus && !scores.isEmpty()) {
            SeriesScore total = SeriesScore.total(scores, times, detections, labels);
            out.println("-".repeat(118));
            row(total);
            out.printf(Locale.ROOT, "%nNAB-style score (0 = never fires, 100 = perfect; totals normalise the sums): "
                            + "standard %.1f, reward_low_FP %.1f, reward_low_FN %.1f  (%,d points, %.1f s)%n",
                    total.normalized(Profile.STANDARD), total.normalized(Profile.REWARD_LOW_FP),
                    total.normalized(Profile.REWARD_LOW_FN), points, seconds);
        }
        return 0;
    }

    private boolean[] detect(Path file, LabeledSeries series, Path scoresFile) throws IOException {
        if (request.bucketMillis() == null && series.size() < 2) {
            throw new LabeledSeries.SeriesFormatException(file + ": one data row; the bucket is the median step "
                    + "between points (or give --bucket-minutes)");
        }
        long bucket = request.bucketMillis() != null ? request.bucketMillis() : series.medianStepMillis();
        AnomalyDetector d;
        try {
            d = Detectors.create(request.detector(), bucket, request.options());
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--set: " + e.getMessage());
        }
        boolean[] flags = new boolean[series.size()];
        List<String> header = new ArrayList<>(List.of("timestamp", "value", "expected", "lower", "upper", "score", "anomalous"));
        if (series.labelled()) {
            header.add("label");
        }
        try (CSVPrinter w = scoresFile == null ? null : new CSVPrinter(Files.newBufferedWriter(scoresFile, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get())) {
            for (int i = 0; i < series.size(); i++) {
                double v = series.values()[i];
                DetectorResult r = Double.isNaN(v) ? null : d.update(series.times()[i], v);
                flags[i] = r != null && r.anomalous();
                if (w != null) {
                    // a missing point: empty value, band and score
                    List<Object> row = r == null
                            ? new ArrayList<>(List.of(Instant.ofEpochMilli(series.times()[i]), "", "", "", "", "", 0))
                            : new ArrayList<>(List.of(Instant.ofEpochMilli(series.times()[i]), r.value(), r.expected(),
                                    r.lower(), r.upper(), r.score(), flags[i] ? 1 : 0));
                    if (series.labelled()) {
                        row.add(series.labels()[i]);
                    }
                    w.printRecord(row);
                }
            }
        }
        if (request.detections() == Detections.EPISODES) {
            EscalationParams defaults = EscalationParams.defaults();
            EscalationParams p = new EscalationParams(defaults.escalateAfter, defaults.clearAfter,
                    Duration.ofMillis(bucket), Duration.ofMillis(defaults.idleTtlMillis));
            return EpisodeStarts.of(series.times(), flags, p);
        }
        return flags;
    }

    private void header() {
        out.printf(Locale.ROOT, "%-52s %7s %6s %7s %8s %8s %8s %6s %6s %7s%n", "series", "points", "detect",
                "windows", "NAB std", "low FP", "low FN", "F1", "adj F1", "events");
    }

    private void row(SeriesScore s) {
        Score std = s.nab().get(Profile.STANDARD);
        DetectionMetrics m = s.metrics();
        out.printf(Locale.ROOT, "%-52s %7d %6d %3d/%-3d %8s %8s %8s %6.3f %6.3f %3d/%-3d%n", abbreviate(s.name(), 52),
                s.points(), s.detections(), std.windowsDetected(), std.windows(), fmt(s.normalized(Profile.STANDARD)),
                fmt(s.normalized(Profile.REWARD_LOW_FP)), fmt(s.normalized(Profile.REWARD_LOW_FN)), m.f1(),
                m.adjustedF1(), m.eventsDetected(), m.events());
    }

    private void single(SeriesScore s, LabeledSeries series) {
        DetectionMetrics m = s.metrics();
        out.printf(Locale.ROOT, "detector %s on %s: %d points (%d missing), %d detections (%s)%n", request.detector(),
                s.name(), s.points(), series.missing(), s.detections(),
                request.detections().name().toLowerCase(Locale.ROOT));
        out.printf(Locale.ROOT, "point-wise:     precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)%n",
                m.precision(), m.recall(), m.f1(), m.truePositives(), m.falsePositives(), m.falseNegatives());
        out.printf(Locale.ROOT, "point-adjusted: precision %.3f  recall %.3f  F1 %.3f%n",
                m.adjustedPrecision(), m.adjustedRecall(), m.adjustedF1());
        out.printf(Locale.ROOT, "events:         %d of %d detected, delay mean %.1f min (%.1f points), median %.1f min%n",
                m.eventsDetected(), m.events(), m.meanDelayMillis() / 60_000, m.meanDelayPoints(),
                m.medianDelayMillis() / 60_000);
        Score std = s.nab().get(Profile.STANDARD);
        out.printf(Locale.ROOT, "NAB-style:      standard %s  reward_low_FP %s  reward_low_FN %s  (%d of %d windows, "
                        + "%d detections outside windows, raw %.2f)%n", fmt(s.normalized(Profile.STANDARD)),
                fmt(s.normalized(Profile.REWARD_LOW_FP)), fmt(s.normalized(Profile.REWARD_LOW_FN)),
                std.windowsDetected(), std.windows(), std.falsePositives(), std.raw());
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
    }

    private static long count(boolean[] flags) {
        long c = 0;
        for (boolean f : flags) {
            c += f ? 1 : 0;
        }
        return c;
    }
}
