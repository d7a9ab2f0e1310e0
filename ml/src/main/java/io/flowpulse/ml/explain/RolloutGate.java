package io.flowpulse.ml.explain;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The check a challenger passes before it may be published: it is refused (with the reasons) when
 * its training set has one class, when its validation leaks (rows identical in features and label
 * in both the training and the held-out table; identifier columns are left out of that comparison,
 * since the same flow twice differs in its id), when its surrogate tree is not faithful enough to
 * vouch for it, or when its top-k surrogate branches rest on flagged shortcut features.
 */
public final class RolloutGate {
    /** Thresholds and the explanation's parameters. */
    public static final class Params {
        /**
         * Refused below this fidelity: macro F1 of the full surrogate tree against the model over the
         * classes with at least 10 held-out rows ({@link TrusteeExplainer.Result#supportedFidelity}).
         */
        public final double minFidelity;
        /** Refused when more than this share of the held-out rows also is in the training table. */
        public final double maxLeakFraction;
        public final ExplainParams explain;
        public final ShortcutRules rules;

        public Params(double minFidelity, double maxLeakFraction, ExplainParams explain, ShortcutRules rules) {
            this.minFidelity = minFidelity;
            this.maxLeakFraction = maxLeakFraction;
            this.explain = explain;
            this.rules = rules;
        }

        /** For {@code train}, which removes repeated rows before its split: no shared row is tolerated. */
        public static Params defaults() {
            return new Params(0.8, 0.0, ExplainParams.defaults(), ShortcutRules.defaults());
        }

        /**
         * For the training service: a lighter explanation (it runs on every better challenger), and up
         * to 1 % of the held-out rows may coincide with labelled flows (short flows repeat exactly).
         */
        public static Params forService() {
            return new Params(0.8, 0.01, ExplainParams.forGate(), ShortcutRules.defaults());
        }
    }

    /** The outcome: refusals (empty = may publish), the explanation (null when not computed), leaked rows. */
    public static final class Verdict {
        public final List<String> refusals;
        public final ModelExplanation explanation;
        public final int leakedRows;

        Verdict(List<String> refusals, ModelExplanation explanation, int leakedRows) {
            this.refusals = List.copyOf(refusals);
            this.explanation = explanation;
            this.leakedRows = leakedRows;
        }

        public boolean passed() {
            return refusals.isEmpty();
        }

        /** One line: "passed" or the refusals joined. */
        public String summary() {
            return passed() ? "passed the rollout gate" : "refused by the rollout gate: " + String.join("; ", refusals);
        }
    }

    private RolloutGate() {}

    /** Checks a challenger trained on {@code train} and validated on {@code test}. */
    public static Verdict check(ClassifierModel model, LabelledTable train, LabelledTable test, Params p) {
        List<String> refusals = new ArrayList<>();
        Set<String> trainClasses = new TreeSet<>(train.labels);
        if (trainClasses.size() < 2) {
            refusals.add("the training set has " + (trainClasses.isEmpty() ? "no class" : "one class (" + trainClasses.iterator().next()
                    + ")") + ": the model cannot learn to tell anything apart");
        }
        // identical flows differ in their ids: compare rows on the columns that describe the flow
        List<String> ids = p.rules.select(train.names, ShortcutRules.IDENTIFIER_KINDS);
        boolean describe = !ids.isEmpty() && ids.size() < train.names.size();
        int leaked = describe ? leakedRows(train.without(ids), test.without(ids)) : leakedRows(train, test);
        if (test.size() > 0 && (double) leaked / test.size() > p.maxLeakFraction) {
            refusals.add(String.format(Locale.ROOT, "the validation leaks: %,d of %,d held-out rows (%.1f%%) are identical "
                    + "(features%s and label) to training rows (remove duplicates before splitting)", leaked, test.size(),
                    100.0 * leaked / test.size(), describe ? " but identifiers " + ids : ""));
        }
        if (trainClasses.size() < 2 || train.size() + test.size() < 4) {
            return new Verdict(refusals, null, leaked);
        }
        ModelExplanation e = ModelExplainer.explain(model, concat(train, test), p.explain, p.rules);
        if (e.trustee.supportedFidelity < p.minFidelity) {
            refusals.add(String.format(Locale.ROOT, "the surrogate tree's fidelity %.3f (macro F1 vs the model over %d "
                    + "classes with >= %d held-out rows) is below %.3f: its explanation cannot vouch for the model",
                    e.trustee.supportedFidelity, e.trustee.supportedClasses, TrusteeExplainer.MIN_CLASS_ROWS, p.minFidelity));
        }
        Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> onTop = e.flaggedOnTopBranches();
        if (!onTop.isEmpty()) {
            List<String> parts = new ArrayList<>();
            onTop.forEach((fl, bs) -> parts.add(String.format(Locale.ROOT, "%s (on %d branch%s, %.0f rows; %s)", fl.feature,
                    bs.size(), bs.size() == 1 ? "" : "es", bs.stream().mapToDouble(b -> b.samples).sum(),
                    String.join(", ", fl.reasons))));
            refusals.add("the top-" + p.explain.topK + " surrogate branches rest on flagged features: " + String.join("; ", parts));
        }
        return new Verdict(refusals, e, leaked);
    }

    /** Held-out rows identical (all features and the label) to some training row. */
    public static int leakedRows(LabelledTable train, LabelledTable test) {
        Set<RowKey> seen = new HashSet<>();
        for (int i = 0; i < train.size(); i++) {
            seen.add(new RowKey(train.rows.get(i), train.labels.get(i)));
        }
        int leaked = 0;
        int[] map = new int[train.names.size()];
        for (int j = 0; j < map.length; j++) {
            map[j] = test.names.indexOf(train.names.get(j));
        }
        for (int i = 0; i < test.size(); i++) {
            double[] r = test.rows.get(i);
            double[] v = new double[map.length];
            for (int j = 0; j < map.length; j++) {
                v[j] = map[j] < 0 ? Double.NaN : r[map[j]];
            }
            if (seen.contains(new RowKey(v, test.labels.get(i)))) {
                leaked++;
            }
        }
        return leaked;
    }

    /** The table without repeated rows (same features and label), first occurrence kept. */
    public static LabelledTable withoutDuplicates(LabelledTable t) {
        Set<RowKey> seen = new HashSet<>();
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> groups = t.hasGroups() ? new ArrayList<>() : null; // a grouped split still needs each row's group
        for (int i = 0; i < t.size(); i++) {
            if (seen.add(new RowKey(t.rows.get(i), t.labels.get(i)))) {
                rows.add(t.rows.get(i));
                labels.add(t.labels.get(i));
                if (groups != null) {
                    groups.add(t.groups.get(i));
                }
            }
        }
        return new LabelledTable(t.names, rows, labels, groups);
    }

    static LabelledTable concat(LabelledTable a, LabelledTable b) {
        List<double[]> rows = new ArrayList<>(a.rows);
        List<String> labels = new ArrayList<>(a.labels);
        int[] map = new int[a.names.size()];
        for (int j = 0; j < map.length; j++) {
            map[j] = b.names.indexOf(a.names.get(j));
        }
        for (int i = 0; i < b.size(); i++) {
            double[] r = b.rows.get(i);
            double[] v = new double[map.length];
            for (int j = 0; j < map.length; j++) {
                v[j] = map[j] < 0 ? Double.NaN : r[map[j]];
            }
            rows.add(v);
            labels.add(b.labels.get(i));
        }
        return new LabelledTable(a.names, rows, labels);
    }

    private static final class RowKey {
        final double[] values;
        final String label;
        final int hash;

        RowKey(double[] values, String label) {
            this.values = values;
            this.label = label;
            this.hash = Arrays.hashCode(values) * 31 + label.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RowKey && ((RowKey) o).hash == hash && ((RowKey) o).label.equals(label)
                    && Arrays.equals(((RowKey) o).values, values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
