package io.flowpulse.ml.explain;

/**
 * Parameters of an explanation: Trustee's loop (rounds, re-sampled share, top-k pruning), the
 * permutation importance budget, and what counts as a dominant or separating feature.
 */
public final class ExplainParams {
    /** Share of the rows the students learn from; the rest measures fidelity (Trustee: 0.7). */
    public final double trainFraction;
    /** Inner rounds: students trained on re-samples, aggregated as in Trustee (Trustee: 50). */
    public final int iterations;
    /** Outer rounds: best student of each, then the most stable one is taken (Trustee: 5). */
    public final int stabilityIterations;
    /** Re-sample size as a share of the training rows (Trustee's samples_size). */
    public final double sampleFraction;
    /**
     * Re-samples hold at least this many rows when the data has them (Trustee's {@code num_samples},
     * 2000): on a small table a 30 % re-sample teaches a student too little.
     */
    public final int minSample;
    /** Branches kept by the top-k pruning (Trustee: 10). */
    public final int topK;
    /** Split nodes on top branches at or under this Gini impurity become leaves (Trustee: 0.1). */
    public final double maxImpurity;
    /** Depth limit of the students; 0 = none (Trustee's default). */
    public final int maxDepth;
    /** Rows the permutation importance scores the model on (a random subset of the held-out part). */
    public final int importanceRows;
    /** Shuffles per feature of the permutation importance. */
    public final int importanceRepeats;
    /** A shortcut-kind feature splitting a node above this depth of the pruned tree dominates its top. */
    public final int topDepth;
    /** A shortcut-kind feature among this many most important ones dominates the importance. */
    public final int topImportance;
    /** A value whose rows are one class with at least this F1 separates that class. */
    public final double separationF1;
    public final long seed;

    public ExplainParams(double trainFraction, int iterations, int stabilityIterations, double sampleFraction, int minSample,
            int topK, double maxImpurity, int maxDepth, int importanceRows, int importanceRepeats, int topDepth, int topImportance,
            double separationF1, long seed) {
        if (trainFraction <= 0 || trainFraction >= 1 || sampleFraction <= 0 || sampleFraction > 1) {
            throw new IllegalArgumentException("fractions in (0, 1)");
        }
        if (iterations < 1 || stabilityIterations < 1 || topK < 1 || importanceRepeats < 1 || importanceRows < 1) {
            throw new IllegalArgumentException("iterations, stability iterations, top-k, repeats and rows >= 1");
        }
        this.trainFraction = trainFraction;
        this.iterations = iterations;
        this.stabilityIterations = stabilityIterations;
        this.sampleFraction = sampleFraction;
        this.minSample = minSample;
        this.topK = topK;
        this.maxImpurity = maxImpurity;
        this.maxDepth = maxDepth;
        this.importanceRows = importanceRows;
        this.importanceRepeats = importanceRepeats;
        this.topDepth = topDepth;
        this.topImportance = topImportance;
        this.separationF1 = separationF1;
        this.seed = seed;
    }

    /** 10 x 3 Trustee rounds on 30 % re-samples, top-10 branches, importance on 5,000 rows x 2 shuffles. */
    public static ExplainParams defaults() {
        return new ExplainParams(0.7, 10, 3, 0.3, 2_000, 10, 0.1, 0, 5_000, 2, 3, 5, 0.98, 42);
    }

    /** A lighter run for the training service's gate: 5 x 2 rounds, importance on 2,000 rows. */
    public static ExplainParams forGate() {
        return new ExplainParams(0.7, 5, 2, 0.3, 2_000, 10, 0.1, 0, 2_000, 1, 3, 5, 0.98, 42);
    }

    public ExplainParams withTopK(int k) {
        return new ExplainParams(trainFraction, iterations, stabilityIterations, sampleFraction, minSample, k, maxImpurity, maxDepth,
                importanceRows, importanceRepeats, topDepth, topImportance, separationF1, seed);
    }

    public ExplainParams withRounds(int iterations, int stabilityIterations) {
        return new ExplainParams(trainFraction, iterations, stabilityIterations, sampleFraction, minSample, topK, maxImpurity, maxDepth,
                importanceRows, importanceRepeats, topDepth, topImportance, separationF1, seed);
    }

    public ExplainParams withSeed(long seed) {
        return new ExplainParams(trainFraction, iterations, stabilityIterations, sampleFraction, minSample, topK, maxImpurity, maxDepth,
                importanceRows, importanceRepeats, topDepth, topImportance, separationF1, seed);
    }
}
