package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.explain.ExplainParams;
import io.flowpulse.ml.explain.RolloutGate;
import io.flowpulse.ml.explain.ShortcutRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The explanation side of {@code ./flowpulse train} and {@code ./flowpulse trainer} (a picocli
 * mixin, kept out of the commands so they stay short): identifier columns out by default,
 * repeated rows out before the split, and the rollout gate ({@link RolloutGate}) before anything
 * is written or published.
 */
final class TrainGate {
    /** Exit code of {@code train} when the gate refuses. */
    static final int REFUSED = 4;

    @Option(names = "--min-fidelity", paramLabel = "F", description = "rollout gate: refuse below this surrogate fidelity "
            + "(macro F1 tree vs model over the classes with >= 10 held-out rows; default 0.8)")
    Double minFidelity;

    @Option(names = "--max-leak", paramLabel = "F", description = "rollout gate: refuse when more than this share of the held-out "
            + "rows is in the training set (default 0 for train, 0.01 for the trainer)")
    Double maxLeak;

    @Option(names = "--top-k", paramLabel = "N", description = "rollout gate: top surrogate branches that must not rest on flagged features (default 10)")
    Integer topK;

    @Option(names = "--shortcut-rules", paramLabel = "SPEC", description = "shortcut-prone kinds as kind=regex;kind=regex "
            + "(replaces the defaults: id, address, port, ttl, timestamp, flow-key, annotation)")
    String shortcutRules;

    @Option(names = "--shortcut-kind", paramLabel = "KIND=REGEX", description = "add (or replace) one shortcut-prone kind")
    String shortcutKind;

    @Option(names = "--skip-gate", description = "no explanation, no rollout gate (the model card says so)")
    boolean skipGate;

    /** The shortcut rules of --shortcut-rules / --shortcut-kind. */
    ShortcutRules rules() {
        return rules(shortcutRules, shortcutKind);
    }

    static ShortcutRules rules(String spec, String kind) {
        try {
            ShortcutRules r = spec != null ? ShortcutRules.parse(spec) : ShortcutRules.defaults();
            if (kind != null) {
                int eq = kind.indexOf('=');
                if (eq <= 0) {
                    throw UserError.usage("--shortcut-kind KIND=REGEX, got " + kind);
                }
                r = r.with(kind.substring(0, eq), kind.substring(eq + 1));
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
    }

    /** Drops identifier columns (unless {@code keepIdentifiers}) and repeated rows (unless {@code keepDuplicates}). */
    LabelledTable prepare(LabelledTable all, List<String> explicitFeatures, List<String> excluded, boolean keepIdentifiers,
            boolean keepDuplicates) {
        LabelledTable t = all;
        if (!keepIdentifiers && explicitFeatures == null) {
            List<String> ids = rules().select(t.names, ShortcutRules.IDENTIFIER_KINDS);
            if (!ids.isEmpty()) {
                t = t.without(ids);
                excluded.addAll(ids);
                System.out.println("identifier columns excluded (--keep-identifiers keeps them): " + ids);
            }
        }
        if (!keepDuplicates) {
            LabelledTable d = RolloutGate.withoutDuplicates(t);
            if (d.size() < t.size()) {
                System.out.printf("removed %,d repeated rows (same features and label) before the split; %,d remain%n",
                        t.size() - d.size(), d.size());
            }
            t = d;
        }
        return t;
    }

    RolloutGate.Params params(RolloutGate.Params d, long seed) {
        ExplainParams e = d.explain.withTopK(topK != null ? topK : d.explain.topK).withSeed(seed);
        return new RolloutGate.Params(minFidelity != null ? minFidelity : d.minFidelity, maxLeak != null ? maxLeak : d.maxLeakFraction,
                e, rules());
    }

    /** The training service's gate from the same options (null with --skip-gate). */
    RolloutGate.Params serviceParams(long seed) {
        return skipGate ? null : params(RolloutGate.Params.forService(), seed);
    }

    /** Runs the gate, prints the explanation summary and the verdict; null with --skip-gate. */
    RolloutGate.Verdict check(ClassifierModel model, LabelledTable[] split, long seed) {
        if (skipGate) {
            System.out.println("rollout gate skipped (--skip-gate)");
            return null;
        }
        RolloutGate.Verdict v = RolloutGate.check(model, split[0], split[1], params(RolloutGate.Params.defaults(), seed));
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

    /** The card's "excludedColumns", "gate" and "explanation" members (no leading comma). */
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
