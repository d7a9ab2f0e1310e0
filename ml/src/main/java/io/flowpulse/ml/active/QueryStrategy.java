package io.flowpulse.ml.active;

import java.util.SplittableRandom;

/**
 * How informative a flow's prediction is for labelling: higher = ask first. Scores come from the
 * class probabilities only (plain Java, no allocation).
 *
 * <ul>
 *   <li>{@link #LEAST_CONFIDENT}: 1 - max p</li>
 *   <li>{@link #MARGIN}: 1 - (p1 - p2), with p1 >= p2 the two largest probabilities (a small margin is
 *       uncertain, so it scores high; ALF's code ranks the margin with the opposite sign, which
 *       asks for the most certain flows first — we follow the definition)</li>
 *   <li>{@link #ENTROPY}: -sum p log p, normalized by log(k) to [0, 1]</li>
 *   <li>{@link #RANDOM}: a uniform draw, the baseline</li>
 * </ul>
 */
public enum QueryStrategy {
    LEAST_CONFIDENT("least-confident"),
    MARGIN("margin"),
    ENTROPY("entropy"),
    RANDOM("random");

    private final String id;

    QueryStrategy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static QueryStrategy of(String id) {
        for (QueryStrategy s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown query strategy '" + id + "': least-confident, margin, entropy or random");
    }

    /** The score of one prediction; {@code random} is used by RANDOM only. */
    public double score(double[] p, SplittableRandom random) {
        switch (this) {
            case LEAST_CONFIDENT: {
                double max = 0;
                for (double v : p) {
                    max = Math.max(max, v);
                }
                return 1.0 - max;
            }
            case MARGIN: {
                double first = Double.NEGATIVE_INFINITY;
                double second = Double.NEGATIVE_INFINITY;
                for (double v : p) {
                    if (v > first) {
                        second = first;
                        first = v;
                    } else if (v > second) {
                        second = v;
                    }
                }
                return p.length < 2 ? 0.0 : 1.0 - (first - second);
            }
            case ENTROPY: {
                double h = 0;
                for (double v : p) {
                    if (v > 0) {
                        h -= v * Math.log(v);
                    }
                }
                return p.length < 2 ? 0.0 : h / Math.log(p.length);
            }
            case RANDOM:
            default:
                return random.nextDouble();
        }
    }
}
