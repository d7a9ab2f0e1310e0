package io.flowpulse.ml.classify;

import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one training path of the train command, the training service and the experiment: train a
 * classifier of a kind on a table, score a (possibly foreign) model update on a held-out table,
 * and sign a trained model into a {@link ModelUpdate}. Plain Java, no Flink.
 */
public final class ModelTraining {
    /** Model kind and its size parameters. */
    public static final class Params {
        /** {@code rf}, {@code gbt} or {@code lr}. */
        public final String kind;
        public final int trees;
        public final int depth;
        public final long seed;

        public Params(String kind, int trees, int depth, long seed) {
            if (!kind.equals("rf") && !kind.equals("gbt") && !kind.equals("lr")) {
                throw new IllegalArgumentException("model kind rf, gbt or lr, not " + kind);
            }
            this.kind = kind;
            this.trees = trees;
            this.depth = depth;
            this.seed = seed;
        }

        public ForestTrainer.Params forest() {
            return new ForestTrainer.Params(trees, depth, 0.5f, seed);
        }

        /** The library behind the kind, for model cards. */
        public String library() {
            return kind.equals("rf") ? "Tribuo 4.3.2 RandomForestTrainer(CART) -> CompactForest"
                    : kind.equals("gbt") ? "Tribuo 4.3.2 XGBoostClassificationTrainer (multi:softprob) -> BoostedTrees"
                    : "Tribuo 4.3.2 LogisticRegressionTrainer (SGD, standardized features) -> LinearModel";
        }
    }

    private ModelTraining() {}

    /** Trains the serving form of a model of {@code p.kind} on {@code train}. */
    public static ClassifierModel train(LabelledTable train, Params p) {
        switch (p.kind) {
            case "rf":
                return ForestTrainer.train(train, p.forest()).forest;
            case "gbt":
                try {
                    return GbtTrainer.train(train, p.trees, p.depth, p.seed).model;
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("XGBoost training failed: " + e.getMessage(), e);
                }
            default:
                return LogisticTrainer.train(train).model;
        }
    }

    /**
     * Macro F1 of a model update on a held-out table; negative infinity when its payload does not
     * decode (then any challenger is better).
     */
    public static double macroF1(ModelUpdate u, LabelledTable heldOut) {
        try {
            byte[] payload = new byte[u.getPayload().remaining()];
            u.getPayload().duplicate().get(payload);
            return ClassificationMetrics.evaluate(ClassifierModels.decode(u.getFormat(), payload), heldOut).macroF1();
        } catch (ModelDecodeException e) {
            return Double.NEGATIVE_INFINITY;
        }
    }

    /** A signed FLOW_CLASSIFIER update of {@code model} with its metrics. */
    public static ModelUpdate signed(ClassifierModel model, String modelId, long version, long createdMillis,
            Map<String, Double> metrics, byte[] signingKey) {
        byte[] payload = model.encode();
        return ModelUpdate.newBuilder()
                .setModelId(modelId).setKind(ModelKind.FLOW_CLASSIFIER).setVersion(version)
                .setCreatedMillis(createdMillis).setMetrics(new LinkedHashMap<>(metrics)).setFormat(model.format())
                .setPayload(ByteBuffer.wrap(payload))
                .setSignature(ByteBuffer.wrap(new ModelSigner(signingKey).sign(modelId, ModelKind.FLOW_CLASSIFIER.name(), version,
                        model.format(), payload)))
                .build();
    }
}
