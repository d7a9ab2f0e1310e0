package io.flowpulse.ml.detectors;

import java.util.List;
import java.util.Map;

/** The detectors by name, for configuration and the evaluation command. */
public final class Detectors {
    private Detectors() {}

    /** Detector names, the default first ({@link DetectorKind}). */
    public static List<String> names() {
        return DetectorKind.ids();
    }

    /**
     * A new detector for a series with the given bucket length. Options (all optional):
     * robust-band: {@code minThreshold}, {@code maxThreshold}, {@code rate} (target flag rate),
     * {@code alpha}, {@code beta}, {@code gamma}, {@code warmup} (points), {@code shift},
     * {@code quiet} (points), {@code seasonalGain}, {@code step} (threshold tracking), {@code huber},
     * {@code relativeFloor}, {@code drift} (EWMA limit, 0 off), {@code levelRatio}, {@code levelHours}
     * (same-hour check, 0 hours off); holt-winters: {@code delta}, {@code weekly} (true/false), {@code alpha}, {@code gamma},
     * {@code clipLimitDays}, {@code failures} ({@code K/W}); random-cut-forest: {@code shingle},
     * {@code trees}, {@code sampleSize}, {@code anomalyRate}, {@code seed}; stl: {@code history}
     * (points), {@code delta}.
     */
    public static AnomalyDetector create(String name, long bucketMillis, Map<String, String> options) {
        switch (DetectorKind.of(name)) {
            case ROBUST_BAND -> {
                RobustBandParams p = RobustBandParams.defaults();
                p = p.withThresholds(number(options, "minThreshold", p.minThreshold),
                        number(options, "maxThreshold", p.maxThreshold), number(options, "rate", p.targetRate));
                p = p.withSmoothing(number(options, "alpha", p.alpha), number(options, "beta", p.beta),
                        number(options, "gamma", p.gamma));
                p = p.withWarmup((int) number(options, "warmup", p.warmupPoints));
                p = p.withThresholdStep(number(options, "step", p.thresholdStep));
                p = p.withDriftLimit(number(options, "drift", p.driftLimit));
                p = p.withHuber(number(options, "huber", p.huber), number(options, "relativeFloor", p.relativeFloor));
                p = p.withEpisodes((int) number(options, "shift", p.shiftPoints),
                        (int) number(options, "quiet", p.quietPoints));
                p = p.withSeasonal(number(options, "seasonalGain", p.seasonalGain),
                        number(options, "seasonalDays", p.seasonalMinDays));
                p = p.withLevelCheck(number(options, "levelRatio", p.levelRatio),
                        (int) number(options, "levelHours", p.levelHours));
                return new RobustBand(p, bucketMillis);
            }
            case HOLT_WINTERS -> {
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
            case RANDOM_CUT_FOREST -> {
                return new RandomCutForestDetector(
                        Integer.parseInt(options.getOrDefault("shingle", "" + RandomCutForestDetector.DEFAULT_SHINGLE_SIZE)),
                        Integer.parseInt(options.getOrDefault("trees", "" + RandomCutForestDetector.DEFAULT_TREES)),
                        Integer.parseInt(options.getOrDefault("sampleSize", "" + RandomCutForestDetector.DEFAULT_SAMPLE_SIZE)),
                        Double.parseDouble(options.getOrDefault("anomalyRate", "0.005")),
                        Long.parseLong(options.getOrDefault("seed", "42")));
            }
            case STL -> {
                return new StlResidualDetector(bucketMillis,
                        Integer.parseInt(options.getOrDefault("history", "" + StlResidualDetector.DEFAULT_HISTORY_POINTS)),
                        Double.parseDouble(options.getOrDefault("delta", "4")));
            }
            default -> throw new IllegalStateException("no factory for " + name);
        }
    }

    private static double number(Map<String, String> options, String key, double fallback) {
        String v = options.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " is not a number: " + v);
        }
    }
}
