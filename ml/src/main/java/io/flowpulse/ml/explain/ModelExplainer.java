package io.flowpulse.ml.explain;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Explains a classifier on a labelled table: Trustee surrogate tree (fidelity, accuracy, pruned
 * tree), permutation importance of the model, per-class top features, and shortcut flags. Plain Java.
 */
public final class ModelExplainer {
    private ModelExplainer() {}

    public static ModelExplanation explain(ClassifierModel model, LabelledTable data, ExplainParams p, ShortcutRules rules) {
        long t0 = System.nanoTime();
        List<String> names = model.featureSchema().names();
        List<String> classes = model.labels();
        int f = names.size();
        int[] map = new int[f];
        List<String> missing = new ArrayList<>();
        for (int j = 0; j < f; j++) {
            map[j] = data.names.indexOf(names.get(j));
            if (map[j] < 0) {
                missing.add(names.get(j));
            }
        }
        int n = data.size();
        double[][] x = new double[n][];
        int[] teacher = new int[n];
        int[] truth = new int[n];
        double[] buf = new double[classes.size()];
        for (int i = 0; i < n; i++) {
            double[] row = data.rows.get(i);
            double[] v = new double[f];
            for (int j = 0; j < f; j++) {
                v[j] = map[j] < 0 ? Double.NaN : row[map[j]];
            }
            x[i] = v;
            teacher[i] = PermutationImportance.argmax(model, v, buf);
            truth[i] = classes.indexOf(data.labels.get(i));
        }
        long t1 = System.nanoTime();
        TrusteeExplainer.Result trustee = TrusteeExplainer.explain(x, teacher, truth, names, classes, p);
        long t2 = System.nanoTime();
        int[] rows = trustee.heldOut;
        if (rows.length > p.importanceRows) {
            int[] shuffled = rows.clone();
            java.util.SplittableRandom r = new java.util.SplittableRandom(p.seed + 1);
            for (int i = shuffled.length - 1; i > 0; i--) {
                int s = r.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[s];
                shuffled[s] = t;
            }
            rows = Arrays.copyOf(shuffled, p.importanceRows);
        }
        PermutationImportance.Result importance = PermutationImportance.compute(model, x, truth, rows, p.importanceRepeats,
                p.seed);
        long t3 = System.nanoTime();
        List<ShortcutDetector.Flag> flags = ShortcutDetector.detect(names, classes, x, truth, trustee.pruned, importance,
                rules, p);
        long t4 = System.nanoTime();
        return new ModelExplanation(names, classes, n, missing, trustee, importance, flags, p,
                new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9});
    }
}
