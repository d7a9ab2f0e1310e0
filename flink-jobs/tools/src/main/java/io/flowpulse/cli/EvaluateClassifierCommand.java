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

    @Option(names = "--group-column", paramLabel = "C", description = "score only the held-out groups of the grouped split that "
            + "train made with the same --group-column/--group-block/--test-fraction/--seed")
    String groupColumn;

    @Option(names = "--group-block", paramLabel = "N", defaultValue = "0", description = "with --group-column: groups of N consecutive flow numbers")
    int groupBlock;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.3", description = "as given to train (default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "as given to train (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        InputFiles.existingFile(dataset, "--dataset");
        ModelUpdate u = InputFiles.modelUpdate(modelFile, "--model");
        ClassifierModel model = InputFiles.classifier(u, modelFile);
        LabelledTable data = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, model.featureSchema().names(), groupColumn,
                groupBlock);
        String scope = "";
        if (data.hasGroups()) {
            LabelledTable[] split = data.groupedSplit(testFraction, seed);
            scope = String.format(" (held-out side of the grouped split by %s: %d of %d groups)", groupColumn,
                    new java.util.HashSet<>(split[1].groups).size(), new java.util.HashSet<>(data.groups).size());
            data = split[1];
        }
        System.out.printf("model %s v%d (%s) on %s%s, %,d rows:%n%s", u.getModelId(), u.getVersion(), u.getFormat(),
                dataset, scope, data.size(), ClassificationMetrics.evaluate(model, data).report());
        return 0;
    }
}
