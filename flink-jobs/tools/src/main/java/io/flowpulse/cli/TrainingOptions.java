package io.flowpulse.cli;

import io.flowpulse.ml.classify.ModelTraining;
import picocli.CommandLine.Option;

/** Mixin: which classifier to train and how (train, trainer, al-experiment). */
public final class TrainingOptions {
    /** The model families ModelTraining knows. */
    public enum Kind { rf, gbt, lr }

    @Option(names = "--model", paramLabel = "rf|gbt|lr", defaultValue = "rf",
            description = "random forest (Tribuo CART trees, served as compact arrays; default), gradient-boosted trees "
                    + "(Tribuo XGBoost, served from its tree dump) or a logistic-regression baseline (Tribuo SGD)")
    Kind kind;

    @Option(names = "--trees", paramLabel = "N", description = "rf: trees; gbt: boosting rounds (default 100; al-experiment 50)")
    Integer trees;

    @Option(names = "--depth", paramLabel = "N", description = "tree depth (default 14 for rf, 6 for gbt)")
    Integer depth;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    public String kind() {
        return kind.name();
    }

    public long seed() {
        return seed;
    }

    /** The training parameters; {@code defaultTrees} when --trees is not given. */
    public ModelTraining.Params params(int defaultTrees) {
        int t = trees == null ? defaultTrees : trees;
        int d = depth == null ? (kind == Kind.gbt ? 6 : 14) : depth;
        if (t < 1 || d < 1) {
            throw UserError.usage("--trees and --depth must be at least 1");
        }
        return new ModelTraining.Params(kind.name(), t, d, seed);
    }
}
