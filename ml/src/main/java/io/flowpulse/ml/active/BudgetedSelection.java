package io.flowpulse.ml.active;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch-mode selection for one window: candidates whose score reaches the threshold, highest score
 * first, at most {@code budget} in all and at most {@code perClassCap} per predicted class (so one
 * noisy class cannot eat the budget). Ties are broken by the candidate id, so a selection is
 * deterministic. Deduplication across windows is the caller's job (the operator keeps the ids it
 * already asked for in state).
 */
public final class BudgetedSelection {
    /** One flow that could be sent for labelling. */
    public static final class Candidate {
        public final String id;
        public final String predictedClass;
        public final double score;

        public Candidate(String id, String predictedClass, double score) {
            this.id = id;
            this.predictedClass = predictedClass;
            this.score = score;
        }

        @Override
        public String toString() {
            return id + "(" + predictedClass + ", " + score + ")";
        }
    }

    private final double threshold;
    private final int budget;
    private final int perClassCap;

    public BudgetedSelection(double threshold, int budget, int perClassCap) {
        if (budget < 0 || perClassCap < 1) {
            throw new IllegalArgumentException("budget >= 0 and perClassCap >= 1");
        }
        this.threshold = threshold;
        this.budget = budget;
        this.perClassCap = perClassCap;
    }

    public List<Candidate> select(List<Candidate> candidates) {
        List<Candidate> eligible = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.score >= threshold) {
                eligible.add(c);
            }
        }
        eligible.sort(Comparator.comparingDouble((Candidate c) -> -c.score).thenComparing(c -> c.id));
        Map<String, Integer> perClass = new HashMap<>();
        List<Candidate> chosen = new ArrayList<>();
        for (Candidate c : eligible) {
            if (chosen.size() >= budget) {
                break;
            }
            int n = perClass.getOrDefault(c.predictedClass, 0);
            if (n < perClassCap) {
                perClass.put(c.predictedClass, n + 1);
                chosen.add(c);
            }
        }
        return chosen;
    }
}
