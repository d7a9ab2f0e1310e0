package io.flowpulse.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse plot --input scores.csv --output chart.png}: the traffic line, the expected
 * band in green behind it, warning points yellow, critical points red. Reads the scores CSV of
 * {@code evaluate-detector} or the demo's anomalies.csv ({@link ScoredSeries}; one chart per
 * device|port|direction, --key picks one). Severity follows the escalation rule of the job: an
 * anomalous point is a warning, and from the {@code --escalate-after}-th consecutive one on critical.
 */
@Command(name = "plot", description = "chart of a scored series: traffic, expected band (green), warning (yellow) and critical (red) points")
public final class PlotCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE.csv", description = "scores of evaluate-detector or the demo's anomalies.csv")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE.png", description = "chart to write")
    Path output;

    @Option(names = "--key", paramLabel = "DEVICE|PORT|DIRECTION", description = "which series (default: the first)")
    String key;

    @Option(names = "--title", paramLabel = "TEXT", description = "chart title (default: the key or the input file)")
    String title;

    @Option(names = "--escalate-after", paramLabel = "N", defaultValue = "4", description = "consecutive anomalies that make a point critical (default ${DEFAULT-VALUE})")
    int escalateAfter;

    @Option(names = "--width", paramLabel = "PX", defaultValue = "1400", description = "default ${DEFAULT-VALUE}")
    int width;

    @Option(names = "--height", paramLabel = "PX", defaultValue = "500", description = "default ${DEFAULT-VALUE}")
    int height;

    @Option(names = "--y-label", paramLabel = "TEXT", defaultValue = "value", description = "default ${DEFAULT-VALUE}")
    String yLabel;

    @Override
    public Integer call() throws Exception {
        Map<String, ScoredSeries.Series> series = ScoredSeries.read(InputFiles.existingFile(input, "--input"));
        if (series.isEmpty()) {
            throw UserError.input("no rows in " + input);
        }
        String k = key != null ? key : series.keySet().iterator().next();
        ScoredSeries.Series s = series.get(k);
        if (s == null) {
            throw UserError.usage("no series '" + k + "' in " + input + "; series: " + series.keySet());
        }
        s.write(output, title != null ? title : k.isEmpty() ? input.toString() : k, escalateAfter, width, height, yLabel);
        System.out.println("wrote " + output + " (" + s.millis.size() + " points, " + s.anomalousCount() + " anomalous)");
        return 0;
    }
}
