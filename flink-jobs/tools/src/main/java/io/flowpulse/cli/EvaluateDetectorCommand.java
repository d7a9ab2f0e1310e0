package io.flowpulse.cli;

import io.flowpulse.ml.detectors.Detectors;
import io.flowpulse.ml.eval.LabeledSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse evaluate-detector --detector NAME --input FILE.csv|DIR [--label-column C]
 * [--detections points|episodes] [--output scores.csv|DIR]}: runs one detector (the same ml code as
 * the streaming operator) over a CSV series or a directory of series, writes per-point expected
 * value, band, score and flag, and prints NAB-style scores, precision, recall, F1 and event-level
 * detection delay when the files have labels ({@link DetectorEvaluation}).
 */
@Command(name = "evaluate-detector", description = {
        "score a CSV series (timestamp,value[,label]) or a directory of them with a detector: NAB-style scores, "
                + "precision/recall/F1/delay",
        "FILE: timestamp,value[,label] with epoch s/ms, ISO-8601 or yyyy-MM-dd HH:mm:ss (UTC) times; an empty or NaN "
                + "value is a missing point;",
        "DIR: every *.csv below it, one table row per series and corpus totals (NAB-style scores standard / "
                + "reward_low_FP / reward_low_FN, see docs/detector-scoring.md)",
        "holt-winters options (--set): delta, weekly, alpha, gamma, clipLimitDays, failures (K/W);",
        "random-cut-forest: shingle, trees, sampleSize, anomalyRate, seed; stl: history, delta"})
public class EvaluateDetectorCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE.csv|DIR", description = "series: timestamp,value[,label], "
            + "or a directory of them")
    Path input;

    @Option(names = "--output", paramLabel = "FILE.csv|DIR", description = "per-point scores (timestamp,value,expected,lower,"
            + "upper,score,anomalous[,label]); a directory when --input is one")
    Path output;

    @Option(names = "--detector", paramLabel = "NAME", description = "one of the detectors (default: the first): "
            + "robust-band, holt-winters, random-cut-forest, stl, ...")
    String detector = Detectors.names().get(0);

    @Option(names = "--label-column", paramLabel = "C", description = "the label column (0/1), for precision/recall/F1")
    String labelColumn;

    @Option(names = "--detections", paramLabel = "points|episodes", description = "what counts as a detection: a flagged "
            + "point (default) or the start of an alert episode under the job's escalation rules")
    DetectorEvaluation.Detections detections = DetectorEvaluation.Detections.POINTS;

    @Option(names = "--bucket-minutes", paramLabel = "M", description = "bucket (default: median step of the series)")
    Double bucketMinutes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "detector option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!Detectors.names().contains(detector)) {
            throw UserError.usage("unknown detector '" + detector + "'; known: " + Detectors.names());
        }
        InputFiles.existing(input, "--input");
        if (!Files.isDirectory(input)) {
            InputFiles.existingFile(input, "--input");
        }
        if (bucketMinutes != null && !(bucketMinutes > 0)) {
            throw UserError.usage("--bucket-minutes must be positive: " + bucketMinutes);
        }
        Long bucketMillis = bucketMinutes == null ? null : Math.round(bucketMinutes * 60_000);
        try {
            return new DetectorEvaluation(new DetectorEvaluation.Request(input, detector, options, labelColumn,
                    bucketMillis, detections, output), System.out).run();
        } catch (LabeledSeries.SeriesFormatException e) {
            throw UserError.input(e.getMessage(), e);
        }
    }
}
