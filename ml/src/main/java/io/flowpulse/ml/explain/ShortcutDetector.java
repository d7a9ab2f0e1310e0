package io.flowpulse.ml.explain;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Raises shortcut flags. A feature is flagged when
 * <ul>
 *   <li>it is of a shortcut-prone kind ({@link ShortcutRules}) and dominates the top of the pruned
 *       surrogate tree (splits a node above {@code topDepth}) or the model's permutation importance
 *       (among the {@code topImportance} most important with a real drop), or</li>
 *   <li>its values alone separate the classes almost perfectly, whatever its kind: a lookup table
 *       from the exact value to the majority class, learnt on half the rows, reaches a macro F1 of
 *       at least {@code separationF1} on the other half (a column equal to the label, a port per
 *       class). A value that picks out one class among many is not enough on its own (on
 *       CIC-IDS2017 every scripted attack has a few constant packet counts), but it is given as a
 *       further reason for a feature already flagged.</li>
 * </ul>
 * Every flag carries the reasons it was raised.
 */
public final class ShortcutDetector {
    /** A flagged feature and why. */
    public static final class Flag {
        public final String feature;
        public final int index;
        /** The shortcut-prone kind, or null (flagged for separation only). */
        public final String kind;
        public final List<String> reasons;

        Flag(String feature, int index, String kind, List<String> reasons) {
            this.feature = feature;
            this.index = index;
            this.kind = kind;
            this.reasons = List.copyOf(reasons);
        }

        @Override
        public String toString() {
            return feature + (kind == null ? "" : " [" + kind + "]") + ": " + String.join("; ", reasons);
        }
    }

    /** The best single-value separation of a class by one feature. */
    public static final class Separation {
        public final double value;
        public final int cls;
        public final double f1;
        public final int rows;

        Separation(double value, int cls, double f1, int rows) {
            this.value = value;
            this.cls = cls;
            this.f1 = f1;
            this.rows = rows;
        }
    }

    /** Importance drops below this are noise: a feature with less does not dominate. */
    static final double MIN_DROP = 0.005;

    private ShortcutDetector() {}

    public static List<Flag> detect(List<String> names, List<String> classes, double[][] x, int[] truth,
            SurrogateTree pruned, PermutationImportance.Result importance, ShortcutRules rules, ExplainParams p) {
        int f = names.size();
        double total = pruned.root().samples();
        Map<Integer, List<String>> reasons = new LinkedHashMap<>();
        // 1. the top of the pruned surrogate tree
        for (SurrogateTree.Node node : pruned.nodes()) {
            if (!node.isLeaf() && node.depth < p.topDepth && rules.kindOf(names.get(node.feature)) != null) {
                reasons.computeIfAbsent(node.feature, k -> new ArrayList<>()).add(String.format(Locale.ROOT,
                        "splits at depth %d of the pruned surrogate tree (%.0f rows, %.0f%% of them)", node.depth,
                        node.samples(), total == 0 ? 0 : 100 * node.samples() / total));
            }
        }
        // 2. the top of the permutation importance
        if (importance != null) {
            Integer[] rank = new Integer[f];
            for (int j = 0; j < f; j++) {
                rank[j] = j;
            }
            java.util.Arrays.sort(rank, (a, b) -> Double.compare(importance.drop[b], importance.drop[a]));
            for (int r = 0; r < Math.min(p.topImportance, f); r++) {
                int j = rank[r];
                if (importance.drop[j] >= MIN_DROP && rules.kindOf(names.get(j)) != null) {
                    reasons.computeIfAbsent(j, k -> new ArrayList<>()).add(String.format(Locale.ROOT,
                            "rank %d of the model's permutation importance (macro F1 drops by %.3f when shuffled)", r + 1,
                            importance.drop[j]));
                }
            }
        }
        // 3. values that separate the classes; one value that picks out a class (a further reason only)
        if (truth != null) {
            for (int j = 0; j < f; j++) {
                double lookup = lookupF1(x, truth, j, classes.size());
                if (lookup >= p.separationF1) {
                    reasons.computeIfAbsent(j, k -> new ArrayList<>()).add(String.format(Locale.ROOT,
                            "its values alone separate the classes (a value-to-class lookup learnt on half the rows "
                                    + "scores macro F1 %.3f on the other half)", lookup));
                }
                if (reasons.containsKey(j)) {
                    Separation s = bestSeparation(x, truth, j, classes.size());
                    if (s != null && s.f1 >= p.separationF1) {
                        reasons.get(j).add(String.format(Locale.ROOT, "the value %s alone picks out class %s (F1 %.3f over %d rows)",
                                SurrogateTree.number(s.value), classes.get(s.cls), s.f1, s.rows));
                    }
                }
            }
        }
        List<Flag> flags = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> e : reasons.entrySet()) {
            String name = names.get(e.getKey());
            String kind = rules.kindOf(name);
            List<String> why = new ArrayList<>();
            if (kind != null) {
                why.add("of a kind that does not generalise (" + kind + ")");
            }
            why.addAll(e.getValue());
            flags.add(new Flag(name, e.getKey(), kind, why));
        }
        flags.sort(java.util.Comparator.comparingInt(fl -> fl.index));
        return flags;
    }

    /**
     * Macro F1 of predicting the class from the exact value of feature {@code j}: majority class per
     * value learnt on the even rows, scored on the odd rows (a value not seen is a miss).
     */
    public static double lookupF1(double[][] x, int[] truth, int j, int k) {
        Map<Double, int[]> byValue = new HashMap<>();
        for (int i = 0; i < x.length; i += 2) {
            if (truth[i] >= 0) {
                double v = x[i][j];
                byValue.computeIfAbsent(v != v ? 0.0 : v, key -> new int[k])[truth[i]]++;
            }
        }
        Map<Double, Integer> majority = new HashMap<>();
        byValue.forEach((v, counts) -> {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (counts[c] > counts[best]) {
                    best = c;
                }
            }
            majority.put(v, best);
        });
        int n = 0;
        for (int i = 1; i < x.length; i += 2) {
            if (truth[i] >= 0) {
                n++;
            }
        }
        int[] ref = new int[n];
        int[] pred = new int[n];
        int m = 0;
        for (int i = 1; i < x.length; i += 2) {
            if (truth[i] >= 0) {
                double v = x[i][j];
                ref[m] = truth[i];
                pred[m++] = majority.getOrDefault(v != v ? 0.0 : v, k);   // unseen value: a class of its own
            }
        }
        return n == 0 ? 0 : TrusteeExplainer.macroF1Over(ref, pred, k + 1, k);
    }

    /**
     * The value of feature {@code j} whose rows best match one class's rows (F1 of "x == value" as a
     * detector of the class), over classes with at least max(10, 1 %) of the labelled rows; null if none.
     */
    public static Separation bestSeparation(double[][] x, int[] truth, int j, int k) {
        Map<Double, int[]> byValue = new HashMap<>();
        int[] classSize = new int[k];
        int labelled = 0;
        for (int i = 0; i < x.length; i++) {
            int c = truth[i];
            if (c < 0) {
                continue;
            }
            labelled++;
            classSize[c]++;
            double v = x[i][j];
            byValue.computeIfAbsent(v != v ? 0.0 : v, key -> new int[k + 1])[c]++;
        }
        int minClass = Math.max(10, labelled / 100);
        Separation best = null;
        for (Map.Entry<Double, int[]> e : byValue.entrySet()) {
            int[] counts = e.getValue();
            int support = 0;
            for (int c = 0; c < k; c++) {
                support += counts[c];
            }
            if (support < minClass / 2) {
                continue;
            }
            for (int c = 0; c < k; c++) {
                if (classSize[c] < minClass || counts[c] == 0) {
                    continue;
                }
                double f1 = 2.0 * counts[c] / (support + classSize[c]);
                if (best == null || f1 > best.f1) {
                    best = new Separation(e.getKey(), c, f1, support);
                }
            }
        }
        return best;
    }
}
