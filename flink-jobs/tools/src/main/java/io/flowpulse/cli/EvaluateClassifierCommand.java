package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code ./flowpulse evaluate-classifier --model FILE --dataset FILE.csv --label-column C}. */
public final class EvaluateClassifierCommand implements Command {
    @Override
    public String name() {
        return "evaluate-classifier";
    }

    @Override
    public String summary() {
        return "score a saved model on any labelled CSV: accuracy, macro P/R/F1, MCC, confusion matrix";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(String.join("\n",
                    "usage: ./flowpulse evaluate-classifier --model FILE --dataset FILE.csv[.gz] --label-column C [options]",
                    "  --group-column C [--group-block N]   score only the held-out groups of the grouped split that",
                    "                             train made with the same --group-column/--group-block/--test-fraction/--seed",
                    "  --test-fraction F --seed N as given to train (default 0.3, 42)",
                    "  prints accuracy, macro P/R/F1, MCC, per-class precision/recall/F1 and the confusion matrix", ""));
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("model", "dataset", "label-column", "group-column", "group-block",
                "test-fraction", "seed"), Set.of());
        ModelUpdate u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(Path.of(a.require("model"))));
        ClassifierModel model = ClassifierModels.decode(u.getFormat(), io.flowpulse.records.codec.ByteBuffers.copy(u.getPayload()));
        LabelledTable data;
        try {
            data = LabelledTable.fromCsv(Path.of(a.require("dataset")), a.require("label-column"),
                    model.featureSchema().names(), a.get("group-column", null), a.getInt("group-block", 0));
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage()); // no such label/group/feature column
        }
        String scope = "";
        if (data.hasGroups()) {
            LabelledTable[] split = data.groupedSplit(a.getDouble("test-fraction", 0.3), a.getLong("seed", 42));
            scope = String.format(" (held-out side of the grouped split by %s: %d of %d groups)", a.get("group-column", null),
                    new java.util.HashSet<>(split[1].groups).size(), new java.util.HashSet<>(data.groups).size());
            data = split[1];
        }
        System.out.printf("model %s v%d (%s) on %s%s, %,d rows:%n%s", u.getModelId(), u.getVersion(), u.getFormat(),
                a.require("dataset"), scope, data.size(), ClassificationMetrics.evaluate(model, data).report());
        return 0;
    }

    static List<String> none() {
        return List.of();
    }
}
