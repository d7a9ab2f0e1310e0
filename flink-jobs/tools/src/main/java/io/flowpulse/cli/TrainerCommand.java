package io.flowpulse.cli;

import io.flowpulse.active.TrainingService;
import io.flowpulse.ml.active.ActiveTrainer;
import io.flowpulse.ml.active.LabelledDatasetStore;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code ./flowpulse trainer}: the long-running training service of the active-learning loop
 * ({@link TrainingService}). A plain process rather than a Flink job: the labelled dataset is one
 * bounded global set (parallelism 1 by nature), retraining is a multi-second batch step that would
 * block a task thread and its checkpoints, and the store is persisted as Avro files it owns.
 */
public final class TrainerCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse trainer --initial D0.csv --label-column C --bootstrap-servers H:P [options]",
            "  consumes labels, keeps the labelled dataset (seeded from D0, bounded, class-balanced by undersampling,",
            "  persisted), retrains after N new labels or on a schedule and publishes a signed new version to the models",
            "  topic only if it beats the serving one on the held-out set",
            "  --labels-topic T --models-topic T   default labels, models",
            "  --features a,b --exclude a,b        feature columns of D0 (default every numeric column but the label)",
            "  --holdout FILE.csv                  held-out set (same label column); default --holdout-fraction F of D0 (0.3)",
            "  --retrain-after N                   new labels that trigger a retraining (default 100)",
            "  --schedule 10m                      also retrain when this much time passed and any label is new",
            "  --max-size N                        dataset bound (default 10000)",
            "  --state-dir DIR                     store.avro and labels.offsets (default trainer-state): a restart resumes",
            "  --model rf|gbt|lr --trees N --depth N --seed N   as in ./flowpulse train",
            "  --model-id ID --signing-key-file FILE             (else FLOWPULSE_MODEL_KEY)",
            "  --once                              take the labels present now, retrain if due, exit",
            "");

    @Override
    public String name() {
        return "trainer";
    }

    @Override
    public String summary() {
        return "training service: labels in, bounded dataset, retrain, publish a signed model only if better";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HELP);
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("initial", "label-column", "features", "exclude", "holdout", "holdout-fraction",
                "retrain-after", "schedule", "max-size", "state-dir", "model", "trees", "depth", "seed", "model-id",
                "signing-key-file", "bootstrap-servers", "labels-topic", "models-topic"), Set.of("once"));
        long seed = a.getLong("seed", 42);
        String labelColumn = a.require("label-column");
        List<String> features = a.has("features") ? List.of(a.get("features", "").split(",")) : null;
        LabelledTable initial = LabelledTable.fromCsv(Path.of(a.require("initial")), labelColumn, features);
        if (a.has("exclude")) {
            initial = initial.without(List.of(a.get("exclude", "").split(",")));
        }
        LabelledTable seedPart;
        LabelledTable heldOut;
        if (a.has("holdout")) {
            seedPart = initial;
            heldOut = LabelledTable.fromCsv(Path.of(a.get("holdout", null)), labelColumn, initial.names);
        } else {
            LabelledTable[] split = initial.stratifiedSplit(a.getDouble("holdout-fraction", 0.3), seed);
            seedPart = split[0];
            heldOut = split[1];
        }
        Path stateDir = Path.of(a.get("state-dir", "trainer-state"));
        LabelledTable seedTable = seedPart;
        LabelledDatasetStore store = TrainingService.storeIn(stateDir, a.getInt("max-size", 10_000), seed,
                s -> s.seed(seedTable, "initial"));
        ModelTraining.Params params = TrainCommand.trainingParams(a, seed);
        ActiveTrainer trainer = new ActiveTrainer(store, heldOut, params, a.get("model-id", "flow-classifier"),
                TrainCommand.signingKey(a), a.getInt("retrain-after", 100), a.getDuration("schedule", Duration.ZERO));
        try (TrainingService service = new TrainingService(a.require("bootstrap-servers"), a.get("labels-topic", "labels"),
                a.get("models-topic", "models"), trainer, stateDir)) {
            System.out.printf("trainer: %,d labelled flows in the store %s, held-out %,d, champion %s%n", store.size(),
                    store.classCounts(), heldOut.size(), trainer.champion() == null ? "none"
                            : trainer.champion().getModelId() + " v" + trainer.champion().getVersion());
            if (trainer.champion() == null) {
                report(service.retrainNow(System.currentTimeMillis()));
            }
            do {
                int n = service.poll(Duration.ofSeconds(a.has("once") ? 5 : 1));
                if (n > 0) {
                    System.out.printf("trainer: +%d labels (%,d consumed), store %,d %s%n", n, service.consumed(),
                            store.size(), store.classCounts());
                }
                ActiveTrainer.Outcome o = service.retrainIfDue(System.currentTimeMillis());
                if (o != null) {
                    report(o);
                }
                if (a.has("once") && n == 0) {
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
