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
        CliArgs a = CliArgs.parse(args, Set.of("model", "dataset", "label-column"), Set.of());
        ModelUpdate u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(Path.of(a.require("model"))));
        ClassifierModel model = ClassifierModels.decode(u.getFormat(), io.flowpulse.records.codec.ByteBuffers.copy(u.getPayload()));
        LabelledTable data = LabelledTable.fromCsv(Path.of(a.require("dataset")), a.require("label-column"),
                model.featureSchema().names());
        System.out.printf("model %s v%d (%s) on %s, %,d rows:%n%s", u.getModelId(), u.getVersion(), u.getFormat(),
                a.require("dataset"), data.size(), ClassificationMetrics.evaluate(model, data).report());
        return 0;
    }

    static List<String> none() {
        return List.of();
    }
}
