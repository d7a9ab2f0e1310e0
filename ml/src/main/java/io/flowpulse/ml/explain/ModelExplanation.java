package io.flowpulse.ml.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** An explanation of one model on one table: what {@code explain} prints and the gate and model card read. */
public final class ModelExplanation {
    public final List<String> features;
    public final List<String> classes;
    public final int rows;
    /** Model features absent from the table (NaN to the model). */
    public final List<String> missingFeatures;
    public final TrusteeExplainer.Result trustee;
    public final PermutationImportance.Result importance;
    public final List<ShortcutDetector.Flag> flags;
    public final ExplainParams params;
    /** Seconds: model predictions, Trustee, permutation importance, flags. */
    public final double[] seconds;

    ModelExplanation(List<String> features, List<String> classes, int rows, List<String> missingFeatures,
            TrusteeExplainer.Result trustee, PermutationImportance.Result importance, List<ShortcutDetector.Flag> flags,
            ExplainParams params, double[] seconds) {
        this.features = features;
        this.classes = classes;
        this.rows = rows;
        this.missingFeatures = missingFeatures;
        this.trustee = trustee;
        this.importance = importance;
        this.flags = flags;
        this.params = params;
        this.seconds = seconds;
    }

    public double totalSeconds() {
        return Arrays.stream(seconds).sum();
    }

    public List<SurrogateTree.Branch> topBranches() {
        return trustee.pruned.topBranches(params.topK);
    }

    /** Flagged features that lie on a top-k branch of the pruned tree, with the branches they are on. */
    public Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> flaggedOnTopBranches() {
        Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> m = new LinkedHashMap<>();
        for (ShortcutDetector.Flag fl : flags) {
            for (SurrogateTree.Branch b : topBranches()) {
                if (b.path.stream().anyMatch(s -> s.feature == fl.index)) {
                    m.computeIfAbsent(fl, k -> new ArrayList<>()).add(b);
                }
            }
        }
        return m;
    }

    /** Feature indices by permutation importance, most important first. */
    public int[] importanceRanking() {
        return java.util.stream.IntStream.range(0, features.size()).boxed()
                .sorted((a, b) -> Double.compare(importance.drop[b], importance.drop[a])).mapToInt(Integer::intValue).toArray();
    }

    /** The features the pruned tree splits on, by the rows they split (most first): what carries the decision. */
    public List<String> decisiveFeatures() {
        double[] s = trustee.pruned.splitSamplesPerFeature();
        List<String> out = new ArrayList<>();
        java.util.stream.IntStream.range(0, s.length).boxed().filter(j -> s[j] > 0)
                .sorted((a, b) -> Double.compare(s[b], s[a])).forEach(j -> out.add(features.get(j)));
        return out;
    }

    /** Up to {@code m} features whose shuffling costs class {@code c} the most F1 (drop > 0). */
    public List<String> topFeaturesOf(int c, int m) {
        List<String> out = new ArrayList<>();
        java.util.stream.IntStream.range(0, features.size()).boxed()
                .filter(j -> importance.perClassDrop[j][c] > ShortcutDetector.MIN_DROP / 5)
                .sorted((a, b) -> Double.compare(importance.perClassDrop[b][c], importance.perClassDrop[a][c])).limit(m)
                .forEach(j -> out.add(String.format(Locale.ROOT, "%s (%.3f)", features.get(j), importance.perClassDrop[j][c])));
        return out;
    }

    public Set<String> flaggedNames() {
        Set<String> s = new LinkedHashSet<>();
        flags.forEach(f -> s.add(f.feature));
        return s;
    }

    public String svg(String title) {
        return TreeSvg.render(trustee.pruned, flaggedNames(), title);
    }

    /** The printable report. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "explained a model of %d features and %d classes on %,d rows in %.1f s "
                + "(predictions %.1f s, Trustee %.1f s, permutation importance %.1f s, flags %.1f s)%n", features.size(),
                classes.size(), rows, totalSeconds(), seconds[0], seconds[1], seconds[2], seconds[3]));
        if (!missingFeatures.isEmpty()) {
            sb.append("features of the model missing from the table (NaN to the model): ").append(missingFeatures).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%nsurrogate tree (Trustee: %d students, %d x %d rounds on %.0f%% re-samples; "
                + "held-out %,d rows):%n", trustee.studentsTrained, params.stabilityIterations, params.iterations,
                100 * params.sampleFraction, trustee.heldOut.length));
        sb.append(String.format(Locale.ROOT, "  full tree   : %d leaves, depth %d, fidelity (macro F1 vs model) %.4f, "
                + "over the %d classes with >= %d held-out rows %.4f; accuracy %.4f%n", trustee.tree.leaves(), trustee.tree.depth(),
                trustee.fidelity, trustee.supportedClasses, TrusteeExplainer.MIN_CLASS_ROWS, trustee.supportedFidelity,
                trustee.accuracy));
        sb.append(String.format(Locale.ROOT, "  pruned top-%d: %d leaves, depth %d, fidelity %.4f, accuracy %.4f; stability %.4f%n",
                params.topK, trustee.pruned.leaves(), trustee.pruned.depth(), trustee.prunedFidelity, trustee.prunedAccuracy,
                trustee.stability));
        sb.append(String.format(Locale.ROOT, "  model accuracy on the same rows %.4f%n", trustee.modelAccuracy));
        sb.append("\npruned tree:\n").append(trustee.pruned.toText());
        sb.append("\ntop branches (rows covered, class):\n");
        for (SurrogateTree.Branch b : topBranches()) {
            List<String> steps = new ArrayList<>();
            b.path.forEach(s -> steps.add(s.describe(features)));
            sb.append(String.format(Locale.ROOT, "  %6.0f rows -> %s (%.1f%%): %s%n", b.samples, classes.get(b.predictedClass),
                    100 * b.purity, steps.isEmpty() ? "(root)" : String.join(" and ", steps)));
        }
        sb.append("\nfeatures that carry the decision (pruned tree, by rows split): ").append(decisiveFeatures()).append('\n');
        sb.append(String.format(Locale.ROOT, "%npermutation importance of the model (macro F1 %.4f on %,d rows, %d shuffle(s)):%n",
                importance.baseline, importance.rows, params.importanceRepeats));
        int[] rank = importanceRanking();
        for (int r = 0; r < Math.min(10, rank.length); r++) {
            sb.append(String.format(Locale.ROOT, "  %2d. %-36s %.4f%n", r + 1, features.get(rank[r]), importance.drop[rank[r]]));
        }
        sb.append("\nper-class top features (F1 drop of the class when shuffled):\n");
        for (int c = 0; c < classes.size(); c++) {
            List<String> top = topFeaturesOf(c, 3);
            sb.append("  ").append(classes.get(c)).append(": ").append(top.isEmpty() ? "(none measurable)" : String.join(", ", top))
                    .append('\n');
        }
        sb.append("\nshortcut flags:");
        if (flags.isEmpty()) {
            sb.append(" none\n");
        } else {
            sb.append('\n');
            Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> onTop = flaggedOnTopBranches();
            for (ShortcutDetector.Flag fl : flags) {
                sb.append("  FLAG ").append(fl.feature).append(":\n");
                fl.reasons.forEach(r -> sb.append("    - ").append(r).append('\n'));
                List<SurrogateTree.Branch> bs = onTop.get(fl);
                if (bs != null) {
                    double rowsOn = bs.stream().mapToDouble(b -> b.samples).sum();
                    sb.append(String.format(Locale.ROOT, "    - on %d of the top-%d branches (%.0f rows)%n", bs.size(), params.topK, rowsOn));
                }
            }
        }
        return sb.toString();
    }

    /** The summary as ModelUpdate metrics (doubles): fidelity, accuracy, flags, top features. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("explain_fidelity", trustee.fidelity);
        m.put("explain_fidelity_supported", trustee.supportedFidelity);
        m.put("explain_pruned_fidelity", trustee.prunedFidelity);
        m.put("explain_accuracy", trustee.accuracy);
        m.put("explain_stability", trustee.stability);
        m.put("explain_flags", (double) flags.size());
        m.put("explain_flags_on_top_branches", (double) flaggedOnTopBranches().size());
        m.put("explain_seconds", totalSeconds());
        int[] rank = importanceRanking();
        for (int r = 0; r < Math.min(5, rank.length); r++) {
            m.put("explain_importance:" + features.get(rank[r]), importance.drop[rank[r]]);
        }
        Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> onTop = flaggedOnTopBranches();
        for (ShortcutDetector.Flag fl : flags) {
            m.put("explain_flag:" + fl.feature, onTop.containsKey(fl) ? 2.0 : 1.0);
        }
        return m;
    }

    /** The summary as a JSON object for the model card. */
    public String json() {
        StringBuilder sb = new StringBuilder("{");
        sb.append(String.format(Locale.ROOT, "\"method\": \"Trustee surrogate tree (%d x %d rounds, top-%d pruning) + permutation importance\", ",
                params.stabilityIterations, params.iterations, params.topK));
        sb.append(String.format(Locale.ROOT, "\"fidelity\": %.6f, \"supportedFidelity\": %.6f, \"prunedFidelity\": %.6f, \"accuracy\": %.6f, \"stability\": %.6f, ",
                trustee.fidelity, trustee.supportedFidelity, trustee.prunedFidelity, nan0(trustee.accuracy), trustee.stability));
        sb.append(String.format(Locale.ROOT, "\"rows\": %d, \"seconds\": %.3f, ", rows, totalSeconds()));
        sb.append("\"decisiveFeatures\": ").append(strings(decisiveFeatures())).append(", ");
        sb.append("\"topImportance\": {");
        int[] rank = importanceRanking();
        for (int r = 0; r < Math.min(10, rank.length); r++) {
            sb.append(r == 0 ? "" : ", ").append(quote(features.get(rank[r]))).append(": ")
                    .append(String.format(Locale.ROOT, "%.6f", importance.drop[rank[r]]));
        }
        sb.append("}, \"topBranches\": [");
        List<SurrogateTree.Branch> tb = topBranches();
        for (int i = 0; i < tb.size(); i++) {
            SurrogateTree.Branch b = tb.get(i);
            List<String> steps = new ArrayList<>();
            b.path.forEach(s -> steps.add(s.describe(features)));
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "{\"rows\": %.0f, \"class\": %s, \"path\": %s}",
                    b.samples, quote(classes.get(b.predictedClass)), quote(String.join(" and ", steps))));
        }
        sb.append("], \"flags\": [");
        Map<ShortcutDetector.Flag, List<SurrogateTree.Branch>> onTop = flaggedOnTopBranches();
        for (int i = 0; i < flags.size(); i++) {
            ShortcutDetector.Flag fl = flags.get(i);
            sb.append(i == 0 ? "" : ", ").append("{\"feature\": ").append(quote(fl.feature)).append(", \"kind\": ")
                    .append(fl.kind == null ? "null" : quote(fl.kind)).append(", \"onTopBranches\": ").append(onTop.containsKey(fl))
                    .append(", \"reasons\": ").append(strings(fl.reasons)).append('}');
        }
        sb.append("]}");
        return sb.toString();
    }

    private static double nan0(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String strings(List<String> l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(quote(l.get(i)));
        }
        return sb.append(']').toString();
    }
}
