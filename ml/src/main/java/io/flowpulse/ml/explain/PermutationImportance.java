package io.flowpulse.ml.explain;

import io.flowpulse.ml.classify.ClassifierModel;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Permutation importance of the model itself (Breiman; Fisher et al.): shuffle one feature's column
 * across the scored rows, and measure how much the model's macro F1 against the true labels drops
 * (and each class's F1). A feature the model does not use drops nothing. Features are scored in
 * parallel; {@link ClassifierModel#predictProba} keeps no per-call state.
 */
public final class PermutationImportance {
    /** Mean macro-F1 drop per feature, and F1 drop per feature and class. */
    public static final class Result {
        public final double baseline;
        public final double[] drop;
        /** perClassDrop[feature][class]. */
        public final double[][] perClassDrop;
        public final int rows;

        Result(double baseline, double[] drop, double[][] perClassDrop, int rows) {
            this.baseline = baseline;
            this.drop = drop;
            this.perClassDrop = perClassDrop;
            this.rows = rows;
        }
    }

    private PermutationImportance() {}

    /**
     * @param x rows in the model's feature order; {@code truth[i]} a class index of the model, or -1
     */
    public static Result compute(ClassifierModel model, double[][] x, int[] truth, int[] rows, int repeats, long seed) {
        int k = model.labels().size();
        int f = model.featureSchema().size();
        int[] base = new int[rows.length];
        double[] buf = new double[k];
        for (int i = 0; i < rows.length; i++) {
            base[i] = argmax(model, x[rows[i]], buf);
        }
        int[] ref = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            ref[i] = truth[rows[i]] < 0 ? k : truth[rows[i]];   // unknown class: its own (never predicted) index
        }
        double baseline = TrusteeExplainer.macroF1(ref, base, k + 1);
        double[] baseClass = perClassF1(ref, base, k);
        double[] drop = new double[f];
        double[][] perClass = new double[f][k];
        IntStream.range(0, f).parallel().forEach(j -> {
            double[] row = new double[f];
            double[] out = new double[k];
            int[] predicted = new int[rows.length];
            double[] column = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                column[i] = x[rows[i]][j];
            }
            SplittableRandom rnd = new SplittableRandom(seed * 31 + j);
            for (int rep = 0; rep < repeats; rep++) {
                for (int i = rows.length - 1; i > 0; i--) {
                    int s = rnd.nextInt(i + 1);
                    double t = column[i];
                    column[i] = column[s];
                    column[s] = t;
                }
                for (int i = 0; i < rows.length; i++) {
                    System.arraycopy(x[rows[i]], 0, row, 0, f);
                    row[j] = column[i];
                    predicted[i] = argmax(model, row, out);
                }
                drop[j] += (baseline - TrusteeExplainer.macroF1(ref, predicted, k + 1)) / repeats;
                double[] pc = perClassF1(ref, predicted, k);
                for (int c = 0; c < k; c++) {
                    perClass[j][c] += (baseClass[c] - pc[c]) / repeats;
                }
            }
        });
        return new Result(baseline, drop, perClass, rows.length);
    }

    static int argmax(ClassifierModel model, double[] x, double[] out) {
        model.predictProba(x, out);
        int best = 0;
        for (int c = 1; c < out.length; c++) {
            if (out[c] > out[best]) {
                best = c;
            }
        }
        return best;
    }

    /** F1 per class 0..k-1 (class k is "unknown"); 0 for a class in neither. */
    private static double[] perClassF1(int[] ref, int[] pred, int k) {
        double[] all = TrusteeExplainer.f1PerClass(ref, pred, k + 1);
        double[] f1 = new double[k];
        for (int c = 0; c < k; c++) {
            f1[c] = Double.isNaN(all[c]) ? 0 : all[c];
        }
        return f1;
    }
}
