package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelDecodeException;
import io.flowpulse.ml.explain.ExplainParams;
import io.flowpulse.ml.explain.ModelExplainer;
import io.flowpulse.ml.explain.ModelExplanation;
import io.flowpulse.ml.explain.RolloutGate;
import io.flowpulse.ml.explain.ShortcutRules;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.ByteBuffers;
import io.flowpulse.records.codec.Codecs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * {@code ./flowpulse explain --model M --dataset D}: a Trustee surrogate tree of the model (fidelity,
 * accuracy, pruned tree as text and SVG), the model's permutation importance, per-class top features
 * and shortcut flags with their reasons; says whether the rollout gate would let the model through.
 */
public final class ExplainCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse explain --model MODEL.avro --dataset FILE.csv[.gz]|DIR [options]",
            "  --label-column C           label column (default: the first of Label, label, class, Class in the header)",
            "  --output DIR               where report.txt, tree.txt, tree.svg and explanation.json go",
            "                             (default explain-<model id>-v<version>)",
            "  --top-k N                  branches kept by Trustee's top-k pruning (default 10)",
            "  --iterations N             Trustee inner rounds (default 10)",
            "  --stability-iterations N   Trustee outer rounds (default 3)",
            "  --sample-fraction F        re-sample size as a share of the student rows (default 0.3)",
            "  --importance-rows N        rows the permutation importance scores (default 5000)",
            "  --seed N                   (default 42)",
            "  --shortcut-rules SPEC      shortcut-prone kinds as kind=regex;kind=regex (replaces the defaults:",
            "                             id, address, port, ttl, timestamp, flow-key, annotation)",
            "  --shortcut-kind kind=regex adds (or replaces) one kind",
            "  --min-fidelity F           the rollout gate's fidelity threshold for the verdict line (default 0.8)",
            "");

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String summary() {
        return "explain a model: Trustee surrogate tree, fidelity, importance, shortcut flags (text + SVG)";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HELP);
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("model", "dataset", "label-column", "output", "top-k", "iterations",
                "stability-iterations", "sample-fraction", "importance-rows", "seed", "shortcut-rules", "shortcut-kind",
                "min-fidelity"), Set.of());
        Path modelFile = Path.of(a.require("model"));
        Path dataset = Path.of(a.require("dataset"));
        ModelUpdate u;
        ClassifierModel model;
        try {
            u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(modelFile));
            model = ClassifierModels.decode(u.getFormat(), ByteBuffers.copy(u.getPayload()));
        } catch (ModelDecodeException | io.flowpulse.records.codec.RecordDecodeException e) {
            throw new CliArgs.UsageException("model " + modelFile + " does not decode: " + e.getMessage());
        }
        String labelColumn = a.has("label-column") ? a.get("label-column", null) : guessLabelColumn(dataset);
        ExplainParams defaults = ExplainParams.defaults();
        ExplainParams p = new ExplainParams(defaults.trainFraction, a.getInt("iterations", defaults.iterations),
                a.getInt("stability-iterations", defaults.stabilityIterations),
                a.getDouble("sample-fraction", defaults.sampleFraction), defaults.minSample, a.getInt("top-k", defaults.topK), defaults.maxImpurity,
                defaults.maxDepth, a.getInt("importance-rows", defaults.importanceRows), defaults.importanceRepeats,
                defaults.topDepth, defaults.topImportance, defaults.separationF1, a.getLong("seed", defaults.seed));
        ShortcutRules rules = rules(a);
        LabelledTable data;
        try {
            data = LabelledTable.fromCsv(dataset, labelColumn, model.featureSchema().names());
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage());
        }
        System.out.printf("model %s v%d (%s) on %s (label %s)%n", u.getModelId(), u.getVersion(), u.getFormat(), dataset,
                labelColumn);
        ModelExplanation e = ModelExplainer.explain(model, data, p, rules);
        System.out.print(e.report());
        double minFidelity = a.getDouble("min-fidelity", RolloutGate.Params.defaults().minFidelity);
        List<String> gate = new java.util.ArrayList<>();
        if (e.trustee.supportedFidelity < minFidelity) {
            gate.add(String.format(java.util.Locale.ROOT, "fidelity %.3f below %.3f", e.trustee.supportedFidelity, minFidelity));
        }
        if (!e.flaggedOnTopBranches().isEmpty()) {
            gate.add("top-" + p.topK + " branches rest on flagged features " + names(e));
        }
        System.out.println();
        System.out.println(gate.isEmpty() ? "rollout gate (fidelity, shortcut flags): would pass"
                : "rollout gate (fidelity, shortcut flags): would REFUSE: " + String.join("; ", gate));

        Path out = Path.of(a.get("output", "explain-" + u.getModelId() + "-v" + u.getVersion()));
        Files.createDirectories(out);
        Files.writeString(out.resolve("report.txt"), e.report());
        Files.writeString(out.resolve("tree.txt"), e.trustee.pruned.toText());
        Files.writeString(out.resolve("tree-full.txt"), e.trustee.tree.toText());
        Files.writeString(out.resolve("tree.svg"), e.svg(String.format(java.util.Locale.ROOT,
                "%s v%d: Trustee surrogate, top-%d branches (fidelity %.3f of the full tree, %.3f pruned)", u.getModelId(),
                u.getVersion(), p.topK, e.trustee.fidelity, e.trustee.prunedFidelity)));
        Files.writeString(out.resolve("explanation.json"), e.json() + "\n");
        System.out.printf("wrote %s/{report.txt, tree.txt, tree-full.txt, tree.svg, explanation.json}%n", out);
        return 0;
    }

    private static String names(ModelExplanation e) {
        List<String> n = new java.util.ArrayList<>();
        e.flaggedOnTopBranches().keySet().forEach(f -> n.add(f.feature));
        return n.toString();
    }

    /** --shortcut-rules replaces the defaults; every --shortcut-kind adds one kind. */
    static ShortcutRules rules(CliArgs a) {
        try {
            ShortcutRules rules = a.has("shortcut-rules") ? ShortcutRules.parse(a.get("shortcut-rules", "")) : ShortcutRules.defaults();
            if (a.has("shortcut-kind")) {
                String s = a.get("shortcut-kind", "");
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    throw new CliArgs.UsageException("--shortcut-kind kind=regex");
                }
                rules = rules.with(s.substring(0, eq), s.substring(eq + 1));
            }
            return rules;
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage());
        }
    }

    /** The first of Label, label, class, Class in the header of the file (or the directory's first CSV). */
    static String guessLabelColumn(Path dataset) throws IOException {
        Path file = dataset;
        if (Files.isDirectory(dataset)) {
            try (java.util.stream.Stream<Path> s = Files.list(dataset)) {
                file = s.filter(f -> f.toString().endsWith(".csv") || f.toString().endsWith(".csv.gz")).sorted().findFirst()
                        .orElseThrow(() -> new CliArgs.UsageException("no .csv files in " + dataset));
            }
        }
        String header;
        try (InputStream in0 = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(in0) : in0;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            header = r.readLine();
        }
        List<String> cols = header == null ? List.of() : List.of(header.split(",", -1)).stream().map(String::trim).toList();
        for (String c : List.of("Label", "label", "class", "Class")) {
            if (cols.contains(c)) {
                return c;
            }
        }
        throw new CliArgs.UsageException("no label column found in " + file + ": give --label-column");
    }
}
