package io.flowpulse.cli;

import io.flowpulse.ml.detectors.Detectors;
import io.flowpulse.ml.eval.LabeledSeries;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./flowpulse evaluate-detector --detector NAME --input FILE.csv|DIR [--label-column C]
 * [--detections points|episodes] [--output scores.csv|DIR]}: runs one detector (the same ml code as
 * the streaming operator) over a CSV series or a directory of series, writes per-point expected
 * value, band, score and flag, and prints NAB-style scores, precision, recall, F1 and event-level
 * detection delay when the files have labels ({@link DetectorEvaluation}).
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
        System.out.println("usage: ./flowpulse evaluate-detector --input FILE.csv|DIR [--output scores.csv|DIR]\n"
                + "         [--detector " + String.join("|", Detectors.names()) + "] [--label-column C]\n"
                + "         [--detections points|episodes (alert-episode starts under the job's escalation rules)]\n"
                + "         [--bucket-minutes M (default: median step of the series)] [--set key=value ...]\n"
                + "  FILE: timestamp,value[,label] with epoch s/ms, ISO-8601 or yyyy-MM-dd HH:mm:ss (UTC) times;\n"
                + "  DIR: every *.csv below it, one table row per series and corpus totals (NAB-style scores,\n"
                + "  standard / reward_low_FP / reward_low_FN, see docs/detector-scoring.md)\n"
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
        DetectorEvaluation.Detections detections = DetectorEvaluation.Detections.POINTS;
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
                case "--detections" -> {
                    if (!v.equals("points") && !v.equals("episodes")) {
                        System.err.println("--detections is points or episodes: " + v);
                        return 2;
                    }
                    detections = DetectorEvaluation.Detections.valueOf(v.toUpperCase(java.util.Locale.ROOT));
                }
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
        try {
            return new DetectorEvaluation(new DetectorEvaluation.Request(input, detector, options, labelColumn,
                    bucketMillis, detections, output), System.out).run();
        } catch (LabeledSeries.SeriesFormatException e) {
            System.err.println(name() + ": " + e.getMessage());
            return 1;
        }
    }
}
