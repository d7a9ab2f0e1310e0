package io.flowpulse.ml.detectors;

import java.util.List;
import java.util.Map;

/** The detectors by name, for configuration and the evaluation command. */
public final class Detectors {
    private Detectors() {}

    public static List<String> names() {
        return List.of(HoltWinters.ID, RandomCutForestDetector.ID, StlResidualDetector.ID);
    }

    /**
     * A new detector for a series with the given bucket length. Options (all optional):
     * holt-winters: {@code delta}, {@code weekly} (true/false), {@code alpha}, {@code gamma},
     * {@code clipLimitDays}, {@code failures} ({@code K/W}); random-cut-forest: {@code shingle},
     * {@code trees}, {@code sampleSize}, {@code anomalyRate}, {@code seed}; stl: {@code history}
     * (points), {@code delta}.
     */
    public static AnomalyDetector create(String name, long bucketMillis, Map<String, String> options) {
        switch (name) {
            case HoltWinters.ID -> {
                HoltWintersParams p = HoltWintersParams.forBucket(bucketMillis);
                if (options.containsKey("delta")) {
                    p = p.withDelta(Double.parseDouble(options.get("delta")));
                }
                if (options.containsKey("weekly")) {
                    p = p.withWeekly(Boolean.parseBoolean(options.get("weekly")));
                }
                if (options.containsKey("alpha") || options.containsKey("gamma")) {
                    double alpha = Double.parseDouble(options.getOrDefault("alpha", Double.toString(p.alpha)));
                    double gamma = Double.parseDouble(options.getOrDefault("gamma", Double.toString(p.gamma)));
                    p = p.withSmoothing(alpha, p.beta, gamma, p.gammaWeekly, p.gammaDeviation);
                }
                if (options.containsKey("clipLimitDays")) {
                    p = p.withClipLimitDays(Double.parseDouble(options.get("clipLimitDays")));
                }
                if (options.containsKey("failures")) {
                    String[] kw = options.get("failures").split("/");
                    p = p.withFailures(Integer.parseInt(kw[1]), Integer.parseInt(kw[0]));
                }
                return new HoltWinters(p);
            }
            case RandomCutForestDetector.ID -> {
                return new RandomCutForestDetector(
                        Integer.parseInt(options.getOrDefault("shingle", "" + RandomCutForestDetector.DEFAULT_SHINGLE_SIZE)),
                        Integer.parseInt(options.getOrDefault("trees", "" + RandomCutForestDetector.DEFAULT_TREES)),
                        Integer.parseInt(options.getOrDefault("sampleSize", "" + RandomCutForestDetector.DEFAULT_SAMPLE_SIZE)),
                        Double.parseDouble(options.getOrDefault("anomalyRate", "0.005")),
                        Long.parseLong(options.getOrDefault("seed", "42")));
            }
            case StlResidualDetector.ID -> {
                return new StlResidualDetector(bucketMillis,
                        Integer.parseInt(options.getOrDefault("history", "" + StlResidualDetector.DEFAULT_HISTORY_POINTS)),
                        Double.parseDouble(options.getOrDefault("delta", "4")));
            }
            default -> throw new IllegalArgumentException("unknown detector " + name + "; known: " + names());
        }
    }
}
