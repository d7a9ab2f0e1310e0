package io.flowpulse.ml.active;

import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.ModelUpdate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The training side of the active-learning loop, without I/O: labels go into the
 * {@link LabelledDatasetStore}; after {@code retrainAfter} new labels (or, with a schedule, when
 * the schedule is due and there is at least one new label) a challenger is trained on the store,
 * both it and the serving champion are scored on the same held-out table, and the challenger
 * becomes a signed new version only if its macro F1 is higher. Plain Java, no Flink.
 */
public final class ActiveTrainer {
    /** What one retraining did. */
    public static final class Outcome {
        /** The new signed version, or null when the champion stays. */
        public final ModelUpdate published;
        public final double challengerF1;
        /** Negative infinity when there was no champion (or it does not decode). */
        public final double championF1;
        public final String reason;
        public final int trainRows;
        public final double trainSeconds;
        public final double evaluateSeconds;

        Outcome(ModelUpdate published, double challengerF1, double championF1, String reason, int trainRows,
                double trainSeconds, double evaluateSeconds) {
            this.published = published;
            this.challengerF1 = challengerF1;
            this.championF1 = championF1;
            this.reason = reason;
            this.trainRows = trainRows;
            this.trainSeconds = trainSeconds;
            this.evaluateSeconds = evaluateSeconds;
        }

        @Override
        public String toString() {
            return String.format("%s: challenger macro F1 %.4f vs champion %s on %d rows trained (train %.2f s, evaluate %.2f s)",
                    reason, challengerF1, championF1 == Double.NEGATIVE_INFINITY ? "none" : String.format("%.4f", championF1),
                    trainRows, trainSeconds, evaluateSeconds);
        }
    }

    private final LabelledDatasetStore store;
    private final LabelledTable heldOut;
    private final ModelTraining.Params params;
    private final String modelId;
    private final byte[] signingKey;
    private final int retrainAfter;
    private final Duration schedule;
    private ModelUpdate champion;
    /** The rollout gate a better challenger must pass before it is published; null = none. */
    private io.flowpulse.ml.explain.RolloutGate.Params gate;
    private int pending;
    private long lastTrainMillis;

    public ActiveTrainer(LabelledDatasetStore store, LabelledTable heldOut, ModelTraining.Params params, String modelId,
            byte[] signingKey, int retrainAfter, Duration schedule) {
        if (retrainAfter < 1) {
            throw new IllegalArgumentException("retrainAfter >= 1");
        }
        this.store = store;
        this.heldOut = heldOut;
        this.params = params;
        this.modelId = modelId;
        this.signingKey = signingKey.clone();
        this.retrainAfter = retrainAfter;
        this.schedule = schedule;
    }

    /** The model that serves now (from the models topic at start, then what this trainer published). */
    public void champion(ModelUpdate current) {
        this.champion = current;
    }

    public ModelUpdate champion() {
        return champion;
    }

    /**
     * Turns the rollout gate on ({@link io.flowpulse.ml.explain.RolloutGate}): a challenger better
     * than the champion is still refused when it trained on one class, when the held-out table
     * shares rows with its training set, when its surrogate tree is not faithful, or when its top
     * surrogate branches rest on shortcut features. Null turns it off.
     */
    public ActiveTrainer gate(io.flowpulse.ml.explain.RolloutGate.Params params) {
        this.gate = params;
        return this;
    }

    public io.flowpulse.ml.explain.RolloutGate.Params gate() {
        return gate;
    }

    public String modelId() {
        return modelId;
    }

    public LabelledDatasetStore store() {
        return store;
    }

    public List<String> featureNames() {
        return heldOut.names;
    }

    /** Adds one label (dedup by flow id: a relabel replaces the old label). */
    public void offer(Annotation a) {
        store.add(flowId(a), a);
        pending++;
    }

    /** The id a label is stored under: the request id (flow key + start), else the flow itself. */
    public static String flowId(Annotation a) {
        return a.getRequestId() != null ? a.getRequestId() : a.getKey().toString() + "@" + a.getFlowStartMicros();
    }

    public int pending() {
        return pending;
    }

    /** True when enough new labels arrived, or the schedule is due and something new is there. */
    public boolean due(long nowMillis) {
        return pending >= retrainAfter
                || (schedule != null && !schedule.isZero() && pending > 0 && nowMillis - lastTrainMillis >= schedule.toMillis());
    }

    /** Trains a challenger on the store and publishes it only if it beats the champion on the held-out table. */
    public Outcome retrain(long nowMillis) {
        LabelledTable train = store.table(heldOut.names);
        long t0 = System.nanoTime();
        ClassifierModel model = ModelTraining.train(train, params);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        ClassificationMetrics m = ClassificationMetrics.evaluate(model, heldOut);
        double championF1 = champion == null ? Double.NEGATIVE_INFINITY : ModelTraining.macroF1(champion, heldOut);
        double evaluateSeconds = (System.nanoTime() - t1) / 1e9;
        pending = 0;
        lastTrainMillis = nowMillis;
        if (m.macroF1() <= championF1) {
            return new Outcome(null, m.macroF1(), championF1, "not better than the champion v" + champion.getVersion()
                    + ": not published", train.size(), trainSeconds, evaluateSeconds);
        }
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(m.summary());
        io.flowpulse.ml.explain.ModelExplanation explanation = null;
        if (gate != null) {
            io.flowpulse.ml.explain.RolloutGate.Verdict v = io.flowpulse.ml.explain.RolloutGate.check(model, train, heldOut, gate);
            if (!v.passed()) {
                return new Outcome(null, m.macroF1(), championF1, v.summary() + ": not published", train.size(), trainSeconds,
                        (System.nanoTime() - t1) / 1e9);
            }
            if (v.explanation != null) {
                metrics.putAll(v.explanation.metrics());
                explanation = v.explanation;
            }
        }
        long version = champion == null ? 1 : champion.getVersion() + 1;
        metrics.put("train_rows", (double) train.size());
        metrics.put("heldout_rows", (double) heldOut.size());
        ModelUpdate update = ModelTraining.signed(model, modelId, version, nowMillis, metrics, signingKey);
        if (explanation != null) {
            update.setExplanation(java.nio.ByteBuffer.wrap(explanation.trustee.pruned.encode()));
        }
        String reason = champion == null ? "first model: published v" + version : "better: published v" + version;
        champion = update;
        return new Outcome(update, m.macroF1(), championF1, reason,
                train.size(), trainSeconds, evaluateSeconds);
    }
}
