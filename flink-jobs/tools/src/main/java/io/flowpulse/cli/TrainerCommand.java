package io.flowpulse.cli;

import io.flowpulse.active.TrainingService;
import io.flowpulse.ml.active.ActiveTrainer;
import io.flowpulse.ml.active.LabelledDatasetStore;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse trainer}: the long-running training service of the active-learning loop
 * ({@link TrainingService}). A plain process rather than a Flink job: the labelled dataset is one
 * bounded global set (parallelism 1 by nature), retraining is a multi-second batch step that would
 * block a task thread and its checkpoints, and the store is persisted as Avro files it owns.
 */
@Command(name = "trainer",
        description = {"training service: labels in, bounded dataset, retrain, publish a signed model only if better", "",
                "Consumes labels, keeps the labelled dataset (seeded from --initial, bounded, class-balanced by undersampling, "
                        + "persisted), retrains after N new labels or on a schedule and publishes a signed new version to the "
                        + "models topic only if it beats the serving one on the held-out set.", ""})
public final class TrainerCommand implements Callable<Integer> {
    @Option(names = "--initial", required = true, paramLabel = "D0.csv", description = "initial labelled set")
    Path initialFile;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "label column of the CSVs")
    String labelColumn;

    @Option(names = "--features", split = ",", paramLabel = "a,b", description = "feature columns (default: every numeric column but the label)")
    List<String> features;

    @Option(names = "--exclude", split = ",", paramLabel = "a,b", description = "columns never used as features")
    List<String> exclude;

    @Option(names = "--holdout", paramLabel = "FILE.csv", description = "held-out set (same label column); default: --holdout-fraction of --initial")
    Path holdout;

    @Option(names = "--holdout-fraction", paramLabel = "F", defaultValue = "0.3", description = "default ${DEFAULT-VALUE}")
    double holdoutFraction;

    @Option(names = "--retrain-after", paramLabel = "N", defaultValue = "100", description = "new labels that trigger a retraining (default ${DEFAULT-VALUE})")
    int retrainAfter;

    @Option(names = "--schedule", paramLabel = "DURATION", defaultValue = "0s", description = "also retrain when this much time passed and any label is new (e.g. 10m)")
    Duration schedule;

    @Option(names = "--max-size", paramLabel = "N", defaultValue = "10000", description = "dataset bound (default ${DEFAULT-VALUE})")
    int maxSize;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "trainer-state", description = "store.avro and labels.offsets: a restart resumes (default ${DEFAULT-VALUE})")
    Path stateDir;

    @Mixin
    TrainingOptions training;

    @Option(names = "--model-id", paramLabel = "ID", defaultValue = "flow-classifier", description = "default ${DEFAULT-VALUE}")
    String modelId;

    @Mixin
    SigningKeyOptions signing;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--labels-topic", paramLabel = "TOPIC", defaultValue = "labels", description = "default ${DEFAULT-VALUE}")
    String labelsTopic;

    @Option(names = "--models-topic", paramLabel = "TOPIC", defaultValue = "models", description = "default ${DEFAULT-VALUE}")
    String modelsTopic;

    @Option(names = "--once", description = "take the labels present now, retrain if due, exit")
    boolean once;

    @Override
    public Integer call() throws Exception {
        byte[] key = signing.key();
        String bootstrap = kafka.require();
        long seed = training.seed();
        ModelTraining.Params params = training.params(100);
        LabelledTable initial = InputFiles.labelledCsv(initialFile, "--initial", labelColumn, features);
        if (exclude != null) {
            initial = initial.without(exclude);
        }
        LabelledTable seedPart;
        LabelledTable heldOut;
        if (holdout != null) {
            seedPart = initial;
            heldOut = InputFiles.labelledCsv(holdout, "--holdout", labelColumn, initial.names);
        } else {
            LabelledTable[] split = initial.stratifiedSplit(holdoutFraction, seed);
            seedPart = split[0];
            heldOut = split[1];
        }
        LabelledTable seedTable = seedPart;
        LabelledDatasetStore store = TrainingService.storeIn(stateDir, maxSize, seed, s -> s.seed(seedTable, "initial"));
        ActiveTrainer trainer = new ActiveTrainer(store, heldOut, params, modelId, key, retrainAfter, schedule);
        try (TrainingService service = new TrainingService(bootstrap, labelsTopic, modelsTopic, trainer, stateDir)) {
            System.out.printf("trainer: %,d labelled flows in the store %s, held-out %,d, champion %s%n", store.size(),
                    store.classCounts(), heldOut.size(), trainer.champion() == null ? "none"
                            : trainer.champion().getModelId() + " v" + trainer.champion().getVersion());
            if (trainer.champion() == null) {
                report(service.retrainNow(System.currentTimeMillis()));
            }
            do {
                int n = service.poll(Duration.ofSeconds(once ? 5 : 1));
                if (n > 0) {
                    System.out.printf("trainer: +%d labels (%,d consumed), store %,d %s%n", n, service.consumed(),
                            store.size(), store.classCounts());
                }
                ActiveTrainer.Outcome o = service.retrainIfDue(System.currentTimeMillis());
                if (o != null) {
                    report(o);
                }
                if (once && n == 0) {
                    break;
                }
            } while (true);
        }
        return 0;
    }

    private static void report(ActiveTrainer.Outcome o) {
        System.out.println("trainer: " + o);
    }
}
