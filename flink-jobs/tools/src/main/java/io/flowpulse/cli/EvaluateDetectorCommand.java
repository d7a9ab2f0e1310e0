package io.flowpulse.cli;

import io.flowpulse.ml.detectors.AnomalyDetector;
import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.Detectors;
import io.flowpulse.ml.eval.DetectionMetrics;
import io.flowpulse.ml.eval.LabeledSeries;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./flowpulse evaluate-detector --detector NAME --input FILE.csv [--label-column C]
 * --output scores.csv}: runs one detector (the same ml code as the streaming operator) over a CSV
 * series, writes per-point expected value, band, score and flag, and prints precision, recall, F1
 * and event-level detection delay when the file has labels.
 */
public class EvaluateDetectorCommand implements Command {

    @Override
    public String name() {
        return "evaluate-detector";
    }

    @Override
    public String summary() {
        return "score a CSV series (timestamp,value[,label]) with a detector; precision/recall/F1/delay";
    }

    private static void usage() {
        System.err.println("usage: ./flowpulse evaluate-detector --input FILE.csv [--output scores.csv]\n"
                + "         [--detector " + String.join("|", Detectors.names()) + "] [--label-column C]\n"
                + "         [--bucket-minutes M (default: median step of the series)] [--set key=value ...]\n"
                + "  holt-winters options: delta, weekly, alpha, gamma, clipLimitDays, failures (K/W)\n"
                + "  random-cut-forest options: shingle, trees, sampleSize, anomalyRate, seed; stl options: history, delta");
    }

    @Override
    public int run(String[] args) throws Exception {
        String detector = Detectors.names().get(0);
        Path input = null;
        Path output = null;
        String labelColumn = null;
        Long bucketMillis = null;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage();
                return 0;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value for " + a);
                usage();
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--detector" -> detector = v;
                case "--input" -> input = Path.of(v);
                case "--output" -> output = Path.of(v);
                case "--label-column" -> labelColumn = v;
                case "--bucket-minutes" -> bucketMillis = Math.round(Double.parseDouble(v) * 60_000);
                case "--set" -> {
                    int eq = v.indexOf('=');
                    if (eq <= 0) {
                        System.err.println("--set needs key=value: " + v);
                        return 2;
                    }
                    options.put(v.substring(0, eq), v.substring(eq + 1));
                }
                default -> {
                    System.err.println("unknown option " + a);
                    usage();
                    return 2;
                }
            }
        }
        if (input == null) {
            usage();
            return 2;
        }
        if (!Detectors.names().contains(detector)) {
            System.err.println("unknown detector " + detector + "; known: " + Detectors.names());
            return 2;
        }
        LabeledSeries series = LabeledSeries.read(input, labelColumn);
        long bucket = bucketMillis != null ? bucketMillis : series.medianStepMillis();
        AnomalyDetector d = Detectors.create(detector, bucket, options);

        boolean[] flags = new boolean[series.size()];
        long warmup = 0;
        long started = System.nanoTime();
        BufferedWriter out = output == null ? null : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        try {
            if (out != null) {
                out.write("timestamp,value,expected,lower,upper,score,anomalous" + (series.labelled() ? ",label" : ""));
                out.newLine();
            }
            for (int i = 0; i < series.size(); i++) {
                DetectorResult r = d.update(series.times()[i], series.values()[i]);
                flags[i] = r.anomalous();
                if (!r.warm()) {
                    warmup++;
                }
                if (out != null) {
                    out.write(Instant.ofEpochMilli(series.times()[i]) + "," + r.value() + "," + r.expected() + ","
                            + r.lower() + "," + r.upper() + "," + r.score() + "," + (r.anomalous() ? 1 : 0)
                            + (series.labelled() ? "," + series.labels()[i] : ""));
                    out.newLine();
                }
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long flagged = 0;
        for (boolean f : flags) {
            flagged += f ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "detector %s on %s: %d points, bucket %d min, warm-up %d points, %d flagged "
                        + "(%.1f s incl. output)%n", d.id(), input.getFileName(), series.size(), bucket / 60_000, warmup,
                flagged, seconds);
        if (series.labelled()) {
            DetectionMetrics m = DetectionMetrics.of(series.times(), flags, series.labels());
            System.out.printf(Locale.ROOT, "point-wise:     precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)%n",
                    m.precision(), m.recall(), m.f1(), m.truePositives(), m.falsePositives(), m.falseNegatives());
            System.out.printf(Locale.ROOT, "point-adjusted: precision %.3f  recall %.3f  F1 %.3f%n",
                    m.adjustedPrecision(), m.adjustedRecall(), m.adjustedF1());
            System.out.printf(Locale.ROOT, "events:         %d of %d detected, delay mean %.1f min (%.1f points), "
                            + "median %.1f min%n", m.eventsDetected(), m.events(), m.meanDelayMillis() / 60_000,
                    m.meanDelayPoints(), m.medianDelayMillis() / 60_000);
        }
        return 0;
    }
}
