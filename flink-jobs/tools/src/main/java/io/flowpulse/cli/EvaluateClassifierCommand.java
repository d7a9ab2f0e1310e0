package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.ModelUpdate;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./flowpulse evaluate-classifier --model FILE --dataset FILE.csv --label-column C}. */
@Command(name = "evaluate-classifier",
        description = "score a saved model on any labelled CSV: accuracy, macro P/R/F1, MCC, confusion matrix")
public final class EvaluateClassifierCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "signed model update (./flowpulse train)")
    Path modelFile;

    @Option(names = "--dataset", required = true, paramLabel = "FILE.csv[.gz]", description = "labelled flows")
    Path dataset;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "the column holding the true label")
    String labelColumn;

    @Override
    public Integer call() throws Exception {
        InputFiles.existingFile(dataset, "--dataset");
        ModelUpdate u = InputFiles.modelUpdate(modelFile, "--model");
        ClassifierModel model = InputFiles.classifier(u, modelFile);
        LabelledTable data = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, model.featureSchema().names());
        System.out.printf("model %s v%d (%s) on %s, %,d rows:%n%s", u.getModelId(), u.getVersion(), u.getFormat(),
                dataset, data.size(), ClassificationMetrics.evaluate(model, data).report());
        return 0;
    }
}
