package io.flowpulse.bench;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ForestTrainer;
import io.flowpulse.ml.classify.GbtTrainer;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.features.DohFeatures;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Classifier predict ({@code predictProba} into a reused array, no allocation) of the serving forms:
 * {@code CompactForest} (random forest, 100 trees, depth <= 14) and {@code BoostedTrees} (XGBoost,
 * 100 rounds, depth 6), trained on ALF's DoH D0 set (24 features), over its rows. Score: flows per
 * second, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClassifierPredictBenchmark {
    @Param({"forest", "gbt"})
    public String model;

    ClassifierModel classifier;
    double[][] rows;
    double[] out;
    int next;

    @Setup(Level.Trial)
    public void train() throws Exception {
        java.util.logging.Logger.getLogger("org.tribuo").setLevel(java.util.logging.Level.WARNING);
        LabelledTable table = LabelledTable.fromCsv(BenchData.shared().resolve("flows/cesnet_alf_doh/conf/doh_D0.csv"), "class",
                DohFeatures.NAMES);
        classifier = model.equals("forest")
                ? ForestTrainer.train(table, new ForestTrainer.Params(100, 14, 0.5f, 42)).forest
                : GbtTrainer.train(table, 100, 6, 42).model;
        rows = table.rows.toArray(new double[0][]);
        out = new double[classifier.labels().size()];
    }

    @Benchmark
    public double predict() {
        double[] x = rows[next];
        next = next + 1 == rows.length ? 0 : next + 1;
        classifier.predictProba(x, out);
        return out[0];
    }
}
