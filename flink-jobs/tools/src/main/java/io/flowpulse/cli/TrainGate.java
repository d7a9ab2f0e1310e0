package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.explain.ExplainParams;
import io.flowpulse.ml.explain.RolloutGate;
import io.flowpulse.ml.explain.ShortcutRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The explanation side of {@code ./flowpulse train} (kept out of {@link TrainCommand} so the command
 * stays a short sequence): identifier columns out by default, duplicates out before the split, and
 * the rollout gate ({@link RolloutGate}) before anything is written or published.
 */
final class TrainGate {
    static final Set<String> OPTIONS = Set.of("min-fidelity", "max-leak", "top-k", "shortcut-rules", "shortcut-kind");
    static final Set<String> FLAGS = Set.of("keep-identifiers", "keep-duplicates", "skip-gate");

    static final String HELP = String.join("\n",
            "  --keep-identifiers         keep identifier columns (ids, addresses, ports, timestamps, dataset annotations",
            "                             such as Attempted Category); by default they are never features",
            "  --keep-duplicates          keep repeated rows (same features and label); by default they go before the split",
            "  rollout gate (before writing or publishing; exit code 4 when it refuses):",
            "  --min-fidelity F           refuse below this surrogate fidelity (macro F1 tree vs model over the classes with >= 10 held-out rows; default 0.8)",
            "  --max-leak F               refuse when more than this share of held-out rows is in the training set (default 0)",
            "  --top-k N                  top surrogate branches that must not rest on flagged features (default 10)",
            "  --shortcut-rules SPEC      shortcut-prone kinds as kind=regex;... (see ./flowpulse explain --help)",
            "  --shortcut-kind kind=regex add one kind",
            "  --skip-gate                no explanation, no gate (the model card says so)",
            "");

    private TrainGate() {}

    /** Drops identifier columns (unless --keep-identifiers) and repeated rows (unless --keep-duplicates). */
    static LabelledTable prepare(CliArgs a, LabelledTable all, List<String> explicitFeatures, List<String> excluded) {
        LabelledTable t = all;
        if (!a.has("keep-identifiers") && explicitFeatures == null) {
            List<String> ids = ExplainCommand.rules(a).select(t.names, ShortcutRules.IDENTIFIER_KINDS);
            if (!ids.isEmpty()) {
                t = t.without(ids);
                excluded.addAll(ids);
                System.out.println("identifier columns excluded (--keep-identifiers keeps them): " + ids);
            }
        }
        if (!a.has("keep-duplicates")) {
            LabelledTable d = RolloutGate.withoutDuplicates(t);
            if (d.size() < t.size()) {
                System.out.printf("removed %,d repeated rows (same features and label) before the split; %,d remain%n",
                        t.size() - d.size(), d.size());
            }
            t = d;
        }
        return t;
    }

    static RolloutGate.Params params(CliArgs a, long seed) {
        RolloutGate.Params d = RolloutGate.Params.defaults();
        ExplainParams e = d.explain.withTopK(a.getInt("top-k", d.explain.topK)).withSeed(seed);
        return new RolloutGate.Params(a.getDouble("min-fidelity", d.minFidelity), a.getDouble("max-leak", d.maxLeakFraction), e,
                ExplainCommand.rules(a));
    }

    /** The training service's gate from the same options (null with --skip-gate). */
    static RolloutGate.Params serviceParams(CliArgs a, long seed) {
        if (a.has("skip-gate")) {
            return null;
        }
        RolloutGate.Params d = RolloutGate.Params.forService();
        ExplainParams e = d.explain.withTopK(a.getInt("top-k", d.explain.topK)).withSeed(seed);
        return new RolloutGate.Params(a.getDouble("min-fidelity", d.minFidelity), a.getDouble("max-leak", d.maxLeakFraction), e,
                ExplainCommand.rules(a));
    }

    /** Runs the gate, prints the explanation summary and the verdict; null with --skip-gate. */
    static RolloutGate.Verdict check(CliArgs a, ClassifierModel model, LabelledTable[] split, long seed) {
        if (a.has("skip-gate")) {
            System.out.println("rollout gate skipped (--skip-gate)");
            return null;
        }
        RolloutGate.Verdict v = RolloutGate.check(model, split[0], split[1], params(a, seed));
        if (v.explanation != null) {
            var e = v.explanation;
            System.out.printf(Locale.ROOT, "explanation (%.1f s): surrogate fidelity %.4f (%.4f over %d classes with >= %d "
                    + "held-out rows; pruned top-%d %.4f), accuracy %.4f; decided by %s; %d shortcut flag(s)%n", e.totalSeconds(),
                    e.trustee.fidelity, e.trustee.supportedFidelity, e.trustee.supportedClasses,
                    io.flowpulse.ml.explain.TrusteeExplainer.MIN_CLASS_ROWS, e.params.topK,
                    e.trustee.prunedFidelity, e.trustee.accuracy, first(e.decisiveFeatures(), 5), e.flags.size());
            e.flags.forEach(f -> System.out.println("  FLAG " + f));
        }
        System.out.println(v.summary());
        return v;
    }

    /** The card's "explanation" and "gate" members (no leading comma). */
    static String cardSection(RolloutGate.Verdict v, List<String> excluded) {
        StringBuilder sb = new StringBuilder();
        sb.append("  \"excludedColumns\": ").append(json(excluded)).append(",\n");
        if (v == null) {
            sb.append("  \"gate\": {\"passed\": null, \"skipped\": true}");
            return sb.toString();
        }
        sb.append("  \"gate\": {\"passed\": ").append(v.passed()).append(", \"leakedRows\": ").append(v.leakedRows)
                .append(", \"refusals\": ").append(json(v.refusals)).append('}');
        if (v.explanation != null) {
            sb.append(",\n  \"explanation\": ").append(v.explanation.json());
        }
        return sb.toString();
    }

    private static String first(List<String> l, int n) {
        return l.subList(0, Math.min(n, l.size())).toString();
    }

    private static String json(List<String> l) {
        List<String> q = new ArrayList<>();
        l.forEach(s -> q.add('"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"'));
        return "[" + String.join(", ", q) + "]";
    }
}
