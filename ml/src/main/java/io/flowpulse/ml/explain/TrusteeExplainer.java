package io.flowpulse.ml.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Teacher-student extraction of a decision tree from a model, after Trustee (Jacobs et al., "AI/ML
 * for Network Security: The Emperor has no Clothes", CCS 2022): the students learn the model's own
 * predictions, not the true labels.
 *
 * <ol>
 *   <li>The rows are split into a student part ({@code trainFraction}) and a held-out part.</li>
 *   <li>Outer loop ({@code stabilityIterations}), inner loop ({@code iterations}): draw a re-sample
 *       of {@code sampleFraction} x the student part (at least {@code minSample} rows, as far as there
 *       are; without replacement) from the current
 *       dataset, fit a tree on 70 % of it, score its fidelity (macro F1 against the model) on the
 *       other 30 %, and add those 30 % with the model's predictions to the dataset (Trustee's
 *       aggregation). The best student of each outer round is kept.</li>
 *   <li>Each kept student is pruned to its top-k branches; the one whose pruned tree agrees most, on
 *       average, with the other pruned students on the held-out part is the explanation (Trustee's
 *       stability choice).</li>
 * </ol>
 * Plain Java; the model's predictions come in as class indices.
 */
public final class TrusteeExplainer {
    /** What the extraction produced. */
    public static final class Result {
        public final SurrogateTree tree;
        public final SurrogateTree pruned;
        /** Macro F1 of the tree against the model on the held-out rows. */
        public final double fidelity;
        public final double prunedFidelity;
        /**
         * Fidelity over the classes the model predicts for at least {@link #MIN_CLASS_ROWS} held-out
         * rows (all classes when none has that many): what the gate reads. A class of 3 held-out rows
         * gives an F1 of 0, 1/2 or 1 by chance and, in a macro average over 15 classes, moves it by 0.07.
         */
        public final double supportedFidelity;
        /** How many classes {@link #supportedFidelity} averages over. */
        public final int supportedClasses;
        /** Accuracy against the true labels on the held-out rows (NaN without labels). */
        public final double accuracy;
        public final double prunedAccuracy;
        public final double modelAccuracy;
        /** Mean agreement (macro F1) of the chosen pruned student with the other outer rounds' pruned students. */
        public final double stability;
        public final int[] heldOut;
        public final int studentsTrained;

        Result(SurrogateTree tree, SurrogateTree pruned, double fidelity, double prunedFidelity, double supportedFidelity,
                int supportedClasses, double accuracy, double prunedAccuracy, double modelAccuracy, double stability, int[] heldOut,
                int studentsTrained) {
            this.tree = tree;
            this.pruned = pruned;
            this.fidelity = fidelity;
            this.prunedFidelity = prunedFidelity;
            this.supportedFidelity = supportedFidelity;
            this.supportedClasses = supportedClasses;
            this.accuracy = accuracy;
            this.prunedAccuracy = prunedAccuracy;
            this.modelAccuracy = modelAccuracy;
            this.stability = stability;
            this.heldOut = heldOut;
            this.studentsTrained = studentsTrained;
        }
    }

    /** Held-out rows a class needs (as predicted by the model) to count in {@link Result#supportedFidelity}. */
    public static final int MIN_CLASS_ROWS = 10;

    private TrusteeExplainer() {}

    /**
     * @param x rows in the model's feature order
     * @param teacher the model's predicted class index per row
     * @param truth the true class index per row (-1 when unknown or not a model class), or null
     */
    public static Result explain(double[][] x, int[] teacher, int[] truth, List<String> featureNames, List<String> classes,
            ExplainParams p) {
        int n = x.length;
        if (n < 4) {
            throw new IllegalArgumentException("at least 4 rows to explain a model, not " + n);
        }
        SplittableRandom rnd = new SplittableRandom(p.seed);
        int[] perm = shuffled(n, rnd);
        int nTrain = Math.max(2, Math.min(n - 1, (int) Math.round(n * p.trainFraction)));
        int[] train = Arrays.copyOfRange(perm, 0, nTrain);
        int[] test = Arrays.copyOfRange(perm, nTrain, n);
        SurrogateTree.Params tp = new SurrogateTree.Params(p.maxDepth, 1);

        // the aggregated dataset: row indices (repeats allowed); targets are always teacher[row]
        IntList data = new IntList(nTrain * 2);
        for (int r : train) {
            data.add(r);
        }
        int size = Math.max(Math.max(2, (int) (nTrain * p.sampleFraction)), p.minSample);
        List<SurrogateTree> top = new ArrayList<>();
        int trained = 0;
        for (int s = 0; s < p.stabilityIterations; s++) {
            SurrogateTree best = null;
            double bestReward = Double.NEGATIVE_INFINITY;
            for (int it = 0; it < p.iterations; it++) {
                int[] sample = sampleWithoutReplacement(data, Math.min(size, data.size), rnd);
                int cut = Math.max(1, Math.min(sample.length - 1, (int) (sample.length * p.trainFraction)));
                int[] fitRows = Arrays.copyOfRange(sample, 0, cut);
                int[] scoreRows = Arrays.copyOfRange(sample, cut, sample.length);
                SurrogateTree student = SurrogateTree.fit(x, teacher, fitRows, featureNames, classes, tp);
                trained++;
                int[] a = new int[scoreRows.length];
                int[] b = new int[scoreRows.length];
                for (int i = 0; i < scoreRows.length; i++) {
                    a[i] = teacher[scoreRows[i]];
                    b[i] = student.predict(x[scoreRows[i]]);
                }
                double reward = macroF1(a, b, classes.size());
                for (int r : scoreRows) {
                    data.add(r);
                }
                if (reward > bestReward) {
                    bestReward = reward;
                    best = student;
                }
            }
            top.add(best);
        }

        // stability: the pruned student that agrees most with the others on the held-out rows
        int[][] prunedPredictions = new int[top.size()][];
        List<SurrogateTree> prunedTop = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            SurrogateTree pt = top.get(i).pruneTopK(p.topK, p.maxImpurity);
            prunedTop.add(pt);
            prunedPredictions[i] = predict(pt, x, test);
        }
        int chosen = 0;
        double bestAgreement = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < top.size(); i++) {
            double sum = 0;
            for (int j = 0; j < top.size(); j++) {
                sum += macroF1(prunedPredictions[j], prunedPredictions[i], classes.size());
            }
            double mean = sum / top.size();
            if (mean > bestAgreement) {
                bestAgreement = mean;
                chosen = i;
            }
        }
        SurrogateTree tree = top.get(chosen);
        SurrogateTree pruned = prunedTop.get(chosen);
        int[] model = new int[test.length];
        for (int i = 0; i < test.length; i++) {
            model[i] = teacher[test[i]];
        }
        int[] full = predict(tree, x, test);
        int[] pp = prunedPredictions[chosen];
        boolean[] supported = new boolean[classes.size()];
        int[] perClass = new int[classes.size()];
        for (int c : model) {
            perClass[c]++;
        }
        int nSupported = 0;
        for (int c = 0; c < supported.length; c++) {
            supported[c] = perClass[c] >= MIN_CLASS_ROWS;
            nSupported += supported[c] ? 1 : 0;
        }
        double fullF1 = macroF1(model, full, classes.size());
        double supportedF1 = nSupported == 0 ? fullF1 : macroF1On(model, full, supported);
        return new Result(tree, pruned, fullF1, macroF1(model, pp, classes.size()), supportedF1,
                nSupported == 0 ? (int) java.util.Arrays.stream(perClass).filter(v -> v > 0).count() : nSupported,
                accuracy(truth, test, full), accuracy(truth, test, pp), accuracy(truth, test, model), bestAgreement, test,
                trained);
    }

    static int[] predict(SurrogateTree t, double[][] x, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = t.predict(x[rows[i]]);
        }
        return out;
    }

    private static double accuracy(int[] truth, int[] rows, int[] predicted) {
        if (truth == null || rows.length == 0) {
            return Double.NaN;
        }
        int ok = 0;
        for (int i = 0; i < rows.length; i++) {
            if (truth[rows[i]] == predicted[i]) {
                ok++;
            }
        }
        return (double) ok / rows.length;
    }

    /**
     * F1 per class of {@code predicted} against {@code reference}; NaN for a class in neither.
     */
    static double[] f1PerClass(int[] reference, int[] predicted, int classes) {
        long[] tp = new long[classes];
        long[] ref = new long[classes];
        long[] pred = new long[classes];
        for (int i = 0; i < reference.length; i++) {
            ref[reference[i]]++;
            pred[predicted[i]]++;
            if (reference[i] == predicted[i]) {
                tp[reference[i]]++;
            }
        }
        double[] f1 = new double[classes];
        for (int c = 0; c < classes; c++) {
            f1[c] = ref[c] + pred[c] == 0 ? Double.NaN : 2.0 * tp[c] / (ref[c] + pred[c]);
        }
        return f1;
    }

    /**
     * Macro F1 of {@code predicted} against {@code reference} over the classes that occur in either
     * (scikit-learn's {@code f1_score(average="macro")}, as Trustee scores its students).
     */
    public static double macroF1(int[] reference, int[] predicted, int classes) {
        return macroF1Over(reference, predicted, classes, classes);
    }

    /** Macro F1 over the classes below {@code limit} that occur (a prediction of class {@code limit} or above is a miss). */
    static double macroF1Over(int[] reference, int[] predicted, int classes, int limit) {
        double[] f1 = f1PerClass(reference, predicted, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < limit; c++) {
            if (!Double.isNaN(f1[c])) {
                present++;
                sum += f1[c];
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    /** Macro F1 averaged over the classes marked in {@code over} (a marked class in neither counts 0). */
    static double macroF1On(int[] reference, int[] predicted, boolean[] over) {
        double[] f1 = f1PerClass(reference, predicted, over.length);
        double sum = 0;
        int n = 0;
        for (int c = 0; c < over.length; c++) {
            if (over[c]) {
                n++;
                sum += Double.isNaN(f1[c]) ? 0 : f1[c];
            }
        }
        return n == 0 ? 0 : sum / n;
    }

    static int[] shuffled(int n, SplittableRandom rnd) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** {@code m} entries of {@code data} at distinct positions (partial Fisher-Yates over positions). */
    private static int[] sampleWithoutReplacement(IntList data, int m, SplittableRandom rnd) {
        int[] pos = new int[data.size];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = i;
        }
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(pos.length - i);
            int t = pos[i];
            pos[i] = pos[j];
            pos[j] = t;
            out[i] = data.values[pos[i]];
        }
        return out;
    }

    /** A growable int array. */
    private static final class IntList {
        int[] values;
        int size;

        IntList(int capacity) {
            values = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[size++] = v;
        }
    }
}
