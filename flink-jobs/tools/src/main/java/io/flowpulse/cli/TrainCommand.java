package io.flowpulse.cli;

import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ForestTrainer;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./flowpulse train}: trains a flow classifier on a labelled CSV, evaluates it on a
 * stratified held-out split, writes the signed {@link ModelUpdate} (Avro single-object bytes) and
 * a model card, and publishes it to the models topic only if it beats the champion on the same
 * split (unless --force).
 */
public final class TrainCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse train --dataset FILE.csv[.gz] --label-column C [options]",
            "       ./flowpulse train --labels-topic labels --bootstrap-servers H:P [options]   (Annotation records)",
            "  --model rf|gbt|lr          random forest (Tribuo CART trees, served as compact arrays; default),",
            "                             gradient-boosted trees (Tribuo XGBoost, served from its tree dump without native code)",
            "                             or a logistic regression baseline (Tribuo SGD on standardized features)",
            "  --trees N --depth N        rf: trees and depth (default 100, 14); gbt: boosting rounds and depth (default 100, 6)",
            "  --features a,b,c           feature columns (default: every numeric column but the label)",
            "  --exclude a,b              columns never used as features (identifiers such as id, ports, times)",
            "  --test-fraction F          held-out share per class (default 0.3), --seed N (default 42)",
            "  --model-id ID --version N  identity of the model update (default flow-classifier, created time)",
            "  --output FILE              model file (default model.avro; the model card goes to FILE.card.json)",
            "  --signing-key-file FILE    HMAC key (else FLOWPULSE_MODEL_KEY)",
            "  --champion FILE            current model: write/publish only if the new one has a higher macro F1",
            "                             (with --publish and no --champion: the newest version of --model-id on the topic)",
            "  --force                    write/publish even if not better than the champion",
            "  --publish --bootstrap-servers H:P [--topic models]   send the signed update to Kafka",
            "");

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String summary() {
        return "train a flow classifier on labelled CSV, evaluate, sign, write a model card, publish if better";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HELP);
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("dataset", "label-column", "model", "trees", "depth", "features",
                "exclude", "test-fraction", "seed", "model-id", "version", "output", "signing-key-file", "champion",
                "bootstrap-servers", "topic", "labels-topic"), Set.of("force", "publish"));
        String kind = a.get("model", "rf");
        if (!kind.equals("rf") && !kind.equals("lr") && !kind.equals("gbt")) {
            throw new CliArgs.UsageException("--model rf, gbt or lr");
        }
        List<String> features = a.has("features") ? List.of(a.get("features", "").split(",")) : null;
        long seed = a.getLong("seed", 42);
        Path dataset;
        String labelColumn;
        LabelledTable all;
        if (a.has("labels-topic")) {
            // labelled flows fed back on Kafka (Annotation records): read the topic to its end
            String bootstrap = a.require("bootstrap-servers");
            dataset = Path.of("kafka:" + a.get("labels-topic", null));
            labelColumn = "label";
            all = fromLabelsTopic(bootstrap, a.get("labels-topic", null), features);
            System.out.printf("read %,d labelled flows from topic %s%n", all.size(), a.get("labels-topic", null));
        } else {
            dataset = Path.of(a.require("dataset"));
            labelColumn = a.require("label-column");
            all = LabelledTable.fromCsv(dataset, labelColumn, features);
        }
        if (a.has("exclude")) {
            List<String> drop = List.of(a.get("exclude", "").split(","));
            all = all.without(drop);
        }
        LabelledTable[] split = all.stratifiedSplit(a.getDouble("test-fraction", 0.3), seed);
        ModelTraining.Params training = trainingParams(a, seed);
        ForestTrainer.Params params = training.forest();
        long t0 = System.nanoTime();
        ClassifierModel model = ModelTraining.train(split[0], training);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        ClassificationMetrics m = ClassificationMetrics.evaluate(model, split[1]);
        System.out.printf("trained %s on %,d rows x %d features in %.1f s; held-out %,d rows:%n%s%n",
                model.format(), split[0].size(), all.names.size(), trainSeconds, split[1].size(), m.report());

        // champion: the given model file, else (when publishing) the newest version of this model id on the topic
        ModelUpdate champion = null;
        if (a.has("champion")) {
            champion = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(Path.of(a.get("champion", null))));
        } else if (a.has("publish")) {
            champion = currentModel(a.require("bootstrap-servers"), a.get("topic", "models"), a.get("model-id", "flow-classifier"));
        }
        if (champion != null) {
            double championF1 = ModelTraining.macroF1(champion, split[1]);
            if (championF1 == Double.NEGATIVE_INFINITY) {
                System.out.println("champion does not decode: any challenger is better");
            }
            System.out.printf("champion %s v%d macro F1 on the same split: %.4f; challenger: %.4f%n",
                    champion.getModelId(), champion.getVersion(), championF1, m.macroF1());
            if (m.macroF1() <= championF1 && !a.has("force")) {
                System.out.println("not better than the champion: nothing written or published (--force overrides)");
                return 3;
            }
        }

        byte[] key = signingKey(a);
        String modelId = a.get("model-id", "flow-classifier");
        long version = a.getLong("version", Math.max(System.currentTimeMillis(), champion == null ? 0 : champion.getVersion() + 1));
        ModelUpdate update = ModelTraining.signed(model, modelId, version, System.currentTimeMillis(), m.summary(), key);
        Path out = Path.of(a.get("output", "model.avro"));
        Files.write(out, Codecs.MODEL_UPDATE.encode(update));
        Path card = Path.of(out + ".card.json");
        Files.writeString(card, modelCard(update, dataset, labelColumn, all, split, kind, params, m, trainSeconds));
        System.out.printf("wrote %s (%,d bytes, %s v%d, signed) and %s%n", out, Files.size(out), modelId, version, card);
        if (a.has("publish")) {
            try (TopicWriter w = io.flowpulse.active.TrainingService.modelWriter(a.require("bootstrap-servers"))) {
                w.send(a.get("topic", "models"), modelId, update.getCreatedMillis(), Codecs.MODEL_UPDATE, update);
                w.flush();
            }
            System.out.println("published to " + a.get("topic", "models"));
        }
        return 0;
    }

    /** The newest version of {@code modelId} on the models topic, or null. */
    static ModelUpdate currentModel(String bootstrap, String topic, String modelId) {
        return io.flowpulse.active.TrainingService.currentModel(bootstrap, topic, modelId);
    }

    /** --model, --trees, --depth as training parameters (depth default 14 for rf, 6 for gbt). */
    static ModelTraining.Params trainingParams(CliArgs a, long seed) {
        String kind = a.get("model", "rf");
        if (!kind.equals("rf") && !kind.equals("lr") && !kind.equals("gbt")) {
            throw new CliArgs.UsageException("--model rf, gbt or lr");
        }
        return new ModelTraining.Params(kind, a.getInt("trees", 100), a.getInt("depth", kind.equals("gbt") ? 6 : 14), seed);
    }

    /** Every Annotation on the topic, deduplicated by flow (last label wins); features by name (missing = NaN). */
    static LabelledTable fromLabelsTopic(String bootstrap, String topic, List<String> features) {
        java.util.Map<String, io.flowpulse.records.Annotation> byFlow = new java.util.LinkedHashMap<>();
        try (io.flowpulse.local.TopicReader<io.flowpulse.records.Annotation> r =
                new io.flowpulse.local.TopicReader<>(bootstrap, topic, Codecs.ANNOTATION)) {
            r.drainToEnd(java.time.Duration.ofSeconds(60));
            for (io.flowpulse.records.Annotation an : r.records()) {
                byFlow.put(io.flowpulse.functions.FlowKeySelector.canonicalKey(an.getKey()) + "@" + an.getFlowStartMicros(), an);
            }
        }
        List<String> names = new java.util.ArrayList<>();
        if (features != null) {
            names.addAll(features);
        } else {
            java.util.TreeSet<String> all = new java.util.TreeSet<>();
            byFlow.values().forEach(an -> all.addAll(an.getFeatures().keySet()));
            names.addAll(all);
        }
        List<double[]> rows = new java.util.ArrayList<>();
        List<String> labels = new java.util.ArrayList<>();
        for (io.flowpulse.records.Annotation an : byFlow.values()) {
            double[] x = new double[names.size()];
            for (int i = 0; i < x.length; i++) {
                Double v = an.getFeatures().get(names.get(i));
                x[i] = v == null ? Double.NaN : v;
            }
            rows.add(x);
            labels.add(an.getLabel());
        }
        if (rows.isEmpty()) {
            throw new CliArgs.UsageException("no labelled flows on topic " + topic);
        }
        return new LabelledTable(names, rows, labels);
    }

    static byte[] signingKey(CliArgs a) throws java.io.IOException {
        if (a.has("signing-key-file")) {
            return Files.readString(Path.of(a.get("signing-key-file", null))).trim().getBytes(StandardCharsets.UTF_8);
        }
        String env = System.getenv("FLOWPULSE_MODEL_KEY");
        if (env == null || env.isBlank()) {
            throw new CliArgs.UsageException("no signing key: give --signing-key-file or set FLOWPULSE_MODEL_KEY");
        }
        return env.trim().getBytes(StandardCharsets.UTF_8);
    }


    private static String modelCard(ModelUpdate u, Path dataset, String labelColumn, LabelledTable all,
            LabelledTable[] split, String kind, ForestTrainer.Params p, ClassificationMetrics m, double trainSeconds) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"modelId\": \"").append(u.getModelId()).append("\",\n");
        sb.append("  \"version\": ").append(u.getVersion()).append(",\n");
        sb.append("  \"format\": \"").append(u.getFormat()).append("\",\n");
        sb.append("  \"library\": \"").append(new ModelTraining.Params(kind, p.trees, p.maxDepth, p.seed).library()).append("\",\n");
        sb.append("  \"data\": {\"file\": \"").append(dataset.toString().replace("\\", "/")).append("\", \"labelColumn\": \"")
                .append(labelColumn).append("\", \"rows\": ").append(all.size()).append(", \"train\": ").append(split[0].size())
                .append(", \"test\": ").append(split[1].size()).append(", \"split\": \"stratified\"},\n");
        if (kind.equals("rf")) {
            sb.append("  \"parameters\": {\"model\": \"rf\", \"trees\": ").append(p.trees).append(", \"maxDepth\": ").append(p.maxDepth)
                    .append(", \"featureFraction\": ").append(p.featureFraction).append(", \"seed\": ").append(p.seed).append("},\n");
        } else {
            sb.append("  \"parameters\": {\"model\": \"").append(kind).append("\", \"seed\": ").append(p.seed).append("},\n");
        }
        sb.append("  \"metrics\": {");
        String sep = "";
        for (Map.Entry<String, Double> e : m.summary().entrySet()) {
            sb.append(sep).append('"').append(e.getKey()).append("\": ").append(String.format("%.6f", e.getValue()));
            sep = ", ";
        }
        sb.append("},\n  \"perClassRecall\": {");
        sep = "";
        for (int c = 0; c < m.classes.size(); c++) {
            sb.append(sep).append('"').append(m.classes.get(c).replace("\"", "'")).append("\": ")
                    .append(String.format("%.6f", m.recall(c)));
            sep = ", ";
        }
        sb.append("},\n  \"featureSchema\": {\"version\": 1, \"names\": [");
        sep = "";
        for (String n : all.names) {
            sb.append(sep).append('"').append(n.replace("\"", "'")).append('"');
            sep = ", ";
        }
        sb.append("]},\n  \"trainingSeconds\": ").append(String.format("%.3f", trainSeconds)).append("\n}\n");
        return sb.toString();
    }
}
