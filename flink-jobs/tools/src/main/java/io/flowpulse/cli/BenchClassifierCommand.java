package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.ModelUpdate;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse bench-classifier --model FILE --dataset FILE.csv --label-column C [--seconds N]}:
 * single-thread serving throughput of a saved model on real rows, on the operator's path (named
 * features mapped to the vector by {@link FeatureSchema#fill}, then predictProba with reused
 * arrays), after a warm-up.
 */
@Command(name = "bench-classifier", description = "single-thread serving throughput (flows/s) of a saved classifier on real rows")
public final class BenchClassifierCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "signed model update (./flowpulse train)")
    Path modelFile;

    @Option(names = "--dataset", required = true, paramLabel = "FILE.csv[.gz]", description = "rows to classify")
    Path dataset;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "the label column (not a feature)")
    String labelColumn;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "5", description = "measuring time per phase (default ${DEFAULT-VALUE})")
    long seconds;

    @Override
    public Integer call() throws Exception {
        ModelUpdate u = InputFiles.modelUpdate(modelFile, "--model");
        ClassifierModel model = InputFiles.classifier(u, modelFile);
        LabelledTable data = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, model.featureSchema().names());
        // rows as the operator sees them: named feature maps
        @SuppressWarnings("unchecked")
        Map<String, Double>[] flows = new Map[data.size()];
        List<String> names = model.featureSchema().names();
        for (int i = 0; i < flows.length; i++) {
            Map<String, Double> f = new HashMap<>();
            for (int j = 0; j < names.size(); j++) {
                f.put(names.get(j), data.rows.get(i)[j]);
            }
            flows[i] = f;
        }
        double[] x = new double[names.size()];
        double[] p = new double[model.labels().size()];
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            for (Map<String, Double> f : flows) {
                model.featureSchema().fill(f, x);
                model.predictProba(x, p);
                sink += p[0] > 0.5 ? 1 : 0;
            }
        }
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long predictOnly = 0;
        while (System.nanoTime() < end) {
            for (Map<String, Double> f : flows) {
                model.featureSchema().fill(f, x);
                model.predictProba(x, p);
                sink += p[0] > 0.5 ? 1 : 0;
            }
            n += flows.length;
        }
        double mapAndPredict = n / ((System.nanoTime() - t0) / 1e9);
        double[][] vectors = new double[flows.length][];
        for (int i = 0; i < flows.length; i++) {
            vectors[i] = new double[names.size()];
            model.featureSchema().fill(flows[i], vectors[i]);
        }
        long t1 = System.nanoTime();
        end = t1 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            for (double[] v : vectors) {
                model.predictProba(v, p);
                sink += p[0] > 0.5 ? 1 : 0;
            }
            predictOnly += vectors.length;
        }
        double predict = predictOnly / ((System.nanoTime() - t1) / 1e9);
        System.out.printf("model %s v%d (%s, %d features, %d classes) on %,d rows, one thread:%n"
                + "  feature mapping + predict: %,.0f flows/s%n  predict only:              %,.0f flows/s%n(checksum %d)%n",
                u.getModelId(), u.getVersion(), u.getFormat(), names.size(), p.length, flows.length, mapAndPredict, predict, sink);
        return 0;
    }
}
