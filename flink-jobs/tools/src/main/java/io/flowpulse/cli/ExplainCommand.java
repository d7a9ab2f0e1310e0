package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.explain.ExplainParams;
import io.flowpulse.ml.explain.ModelExplainer;
import io.flowpulse.ml.explain.ModelExplanation;
import io.flowpulse.ml.explain.RolloutGate;
import io.flowpulse.records.ModelUpdate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse explain --model M --dataset D}: a Trustee surrogate tree of the model (fidelity,
 * accuracy, pruned tree as text and SVG), the model's permutation importance, per-class top features
 * and shortcut flags with their reasons; says whether the rollout gate would let the model through.
 */
@Command(name = "explain",
        description = {"explain a model: Trustee surrogate tree, fidelity, importance, shortcut flags (text + SVG)", "",
                "  ./flowpulse explain --model MODEL.avro --dataset FILE.csv[.gz]|DIR [--output DIR]", "",
                "Writes report.txt, tree.txt (pruned), tree-full.txt, tree.svg and explanation.json.", ""})
public final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "signed model update (./flowpulse train)")
    Path modelFile;

    @Option(names = "--dataset", required = true, paramLabel = "FILE.csv[.gz]|DIR",
            description = "labelled flows: a CSV or a directory of CSVs with one header")
    Path dataset;

    @Option(names = "--label-column", paramLabel = "C", description = "label column (default: the first of Label, label, class, Class in the header)")
    String labelColumn;

    @Option(names = "--output", paramLabel = "DIR", description = "where the files go (default explain-<model id>-v<version>)")
    Path output;

    @Option(names = "--top-k", paramLabel = "N", defaultValue = "10", description = "branches kept by Trustee's top-k pruning (default ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "10", description = "Trustee inner rounds (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--stability-iterations", paramLabel = "N", defaultValue = "3", description = "Trustee outer rounds (default ${DEFAULT-VALUE})")
    int stabilityIterations;

    @Option(names = "--sample-fraction", paramLabel = "F", defaultValue = "0.3", description = "re-sample size as a share of the student rows (default ${DEFAULT-VALUE})")
    double sampleFraction;

    @Option(names = "--importance-rows", paramLabel = "N", defaultValue = "5000", description = "rows the permutation importance scores (default ${DEFAULT-VALUE})")
    int importanceRows;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--shortcut-rules", paramLabel = "SPEC", description = "shortcut-prone kinds as kind=regex;kind=regex "
            + "(replaces the defaults: id, address, port, ttl, timestamp, flow-key, annotation)")
    String shortcutRules;

    @Option(names = "--shortcut-kind", paramLabel = "KIND=REGEX", description = "add (or replace) one shortcut-prone kind")
    String shortcutKind;

    @Option(names = "--min-fidelity", paramLabel = "F", defaultValue = "0.8", description = "the rollout gate's fidelity threshold for the verdict line (default ${DEFAULT-VALUE})")
    double minFidelity;

    @Override
    public Integer call() throws Exception {
        InputFiles.existing(dataset, "--dataset");
        ModelUpdate u = InputFiles.modelUpdate(modelFile, "--model");
        ClassifierModel model = InputFiles.classifier(u, modelFile);
        String label = labelColumn != null ? labelColumn : guessLabelColumn(dataset);
        ExplainParams d = ExplainParams.defaults();
        ExplainParams p;
        try {
            p = new ExplainParams(d.trainFraction, iterations, stabilityIterations, sampleFraction, d.minSample, topK, d.maxImpurity,
                    d.maxDepth, importanceRows, d.importanceRepeats, d.topDepth, d.topImportance, d.separationF1, seed);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        LabelledTable data = InputFiles.labelledCsv(dataset, "--dataset", label, model.featureSchema().names());
        System.out.printf("model %s v%d (%s) on %s (label %s)%n", u.getModelId(), u.getVersion(), u.getFormat(), dataset, label);
        ModelExplanation e = ModelExplainer.explain(model, data, p, TrainGate.rules(shortcutRules, shortcutKind));
        System.out.print(e.report());
        List<String> gate = new ArrayList<>();
        if (e.trustee.supportedFidelity < minFidelity) {
            gate.add(String.format(Locale.ROOT, "fidelity %.3f below %.3f", e.trustee.supportedFidelity, minFidelity));
        }
        if (!e.flaggedOnTopBranches().isEmpty()) {
            List<String> names = new ArrayList<>();
            e.flaggedOnTopBranches().keySet().forEach(f -> names.add(f.feature));
            gate.add("top-" + p.topK + " branches rest on flagged features " + names);
        }
        System.out.println();
        System.out.println(gate.isEmpty() ? "rollout gate (fidelity, shortcut flags): would pass"
                : "rollout gate (fidelity, shortcut flags): would REFUSE: " + String.join("; ", gate));

        Path out = output != null ? output : Path.of("explain-" + u.getModelId() + "-v" + u.getVersion());
        Files.createDirectories(out);
        Files.writeString(out.resolve("report.txt"), e.report());
        Files.writeString(out.resolve("tree.txt"), e.trustee.pruned.toText());
        Files.writeString(out.resolve("tree-full.txt"), e.trustee.tree.toText());
        Files.writeString(out.resolve("tree.svg"), e.svg(String.format(Locale.ROOT,
                "%s v%d: Trustee surrogate, top-%d branches (fidelity %.3f of the full tree, %.3f over classes with >= %d rows, %.3f pruned)",
                u.getModelId(), u.getVersion(), p.topK, e.trustee.fidelity, e.trustee.supportedFidelity,
                io.flowpulse.ml.explain.TrusteeExplainer.MIN_CLASS_ROWS, e.trustee.prunedFidelity)));
        Files.writeString(out.resolve("explanation.json"), e.json() + "\n");
        System.out.printf("wrote %s/{report.txt, tree.txt, tree-full.txt, tree.svg, explanation.json}%n", out);
        return 0;
    }

    /** The first of Label, label, class, Class in the header of the file (or the directory's first CSV). */
    static String guessLabelColumn(Path dataset) throws IOException {
        Path file = dataset;
        if (Files.isDirectory(dataset)) {
            try (java.util.stream.Stream<Path> s = Files.list(dataset)) {
                file = s.filter(f -> f.toString().endsWith(".csv") || f.toString().endsWith(".csv.gz")).sorted().findFirst()
                        .orElseThrow(() -> UserError.input("no .csv files in " + dataset));
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
        throw UserError.usage("no label column found in " + file + ": give --label-column");
    }
}
