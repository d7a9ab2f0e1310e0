package io.flowpulse.cli;

import io.flowpulse.ml.detectors.AnomalyDetector;
import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.Detectors;
import io.flowpulse.ml.eval.DetectionMetrics;
import io.flowpulse.ml.eval.LabeledSeries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./flowpulse evaluate-detector --detector NAME --input FILE.csv [--label-column C]
 * --output scores.csv}: runs one detector (the same ml code as the streaming operator) over a CSV
 * series, writes per-point expected value, band, score and flag, and prints precision, recall, F1
 * and event-level detection delay when the file has labels.
 */
@Command(name = "evaluate-detector", description = {"score a CSV series (timestamp,value[,label]) with a detector; precision/recall/F1/delay",
        "holt-winters options (--set): delta, weekly, alpha, gamma, clipLimitDays, failures (K/W);",
        "random-cut-forest: shingle, trees, sampleSize, anomalyRate, seed; stl: history, delta"})
public class EvaluateDetectorCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "series: timestamp,value[,label]")
    Path input;

    @Option(names = "--output", paramLabel = "FILE.csv", description = "per-point scores (timestamp,value,expected,lower,upper,score,anomalous[,label])")
    Path output;

    @Option(names = "--detector", paramLabel = "NAME", description = "one of the detectors (default: the first): holt-winters, random-cut-forest, stl, ...")
    String detector = Detectors.names().get(0);

    @Option(names = "--label-column", paramLabel = "C", description = "the label column (0/1), for precision/recall/F1")
    String labelColumn;

    @Option(names = "--bucket-minutes", paramLabel = "M", description = "bucket (default: median step of the series)")
    Double bucketMinutes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "detector option (repeatable)")
    Map<String, String> options = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (!Detectors.names().contains(detector)) {
            throw UserError.usage("unknown detector '" + detector + "'; known: " + Detectors.names());
        }
        InputFiles.existingFile(input, "--input");
        Long bucketMillis = bucketMinutes == null ? null : Math.round(bucketMinutes * 60_000);
        LabeledSeries series;
        try {
            series = LabeledSeries.read(input, labelColumn);
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw UserError.input(input + ": " + e.getMessage(), e);
        }
        if (series.size() == 0) {
            throw UserError.input(input + " has no data rows (only a header)");
        }
        long bucket = bucketMillis != null ? bucketMillis : series.medianStepMillis();
        AnomalyDetector d;
        try {
            d = Detectors.create(detector, bucket, options);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--set: " + e.getMessage());
        }

        boolean[] flags = new boolean[series.size()];
        long warmup = 0;
        long started = System.nanoTime();
        List<String> header = new ArrayList<>(List.of("timestamp", "value", "expected", "lower", "upper", "score", "anomalous"));
        if (series.labelled()) {
            header.add("label");
        }
        try (CSVPrinter out = output == null ? null : new CSVPrinter(Files.newBufferedWriter(output, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get())) {
            for (int i = 0; i < series.size(); i++) {
                DetectorResult r = d.update(series.times()[i], series.values()[i]);
                flags[i] = r.anomalous();
                if (!r.warm()) {
                    warmup++;
                }
                if (out != null) {
                    List<Object> row = new ArrayList<>(List.of(Instant.ofEpochMilli(series.times()[i]), r.value(), r.expected(),
                            r.lower(), r.upper(), r.score(), r.anomalous() ? 1 : 0));
                    if (series.labelled()) {
                        row.add(series.labels()[i]);
                    }
                    out.printRecord(row);
                }
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
