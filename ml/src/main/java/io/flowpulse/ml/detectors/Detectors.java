package io.flowpulse.ml.detectors;

import java.util.List;
import java.util.Map;

/** The detectors by name, for configuration and the evaluation command. */
public final class Detectors {
    private Detectors() {}

    public static List<String> names() {
        return List.of(HoltWinters.ID);
    }

    /**
     * A new detector for a series with the given bucket length. Options (all optional):
     * {@code delta}, {@code weekly} (true/false), {@code alpha}, {@code gamma}, {@code clipLimitDays}, {@code failures}
     * ({@code K/W}).
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
            default -> throw new IllegalArgumentException("unknown detector " + name + "; known: " + names());
        }
    }
}
