package io.flowpulse.cli;

import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ForestTrainer;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse train}: trains a flow classifier on a labelled CSV, evaluates it on a
 * stratified held-out split, writes the signed {@link ModelUpdate} (Avro single-object bytes) and
 * a model card, and publishes it to the models topic only if it beats the champion on the same
 * split (unless --force).
 */
@Command(name = "train",
        description = {"train a flow classifier on labelled CSV, evaluate, sign, write a model card, publish if better",
                "", "  ./flowpulse train --dataset FILE.csv[.gz] --label-column C --signing-key-file model.key [options]",
                "  ./flowpulse train --labels-topic labels --bootstrap-servers H:P --signing-key-file model.key [options]",
                "", "A signing key: ./flowpulse keygen --output model.key (the job checks models with the same key).", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:written (and published)", "1:the run failed or an input is not usable", "2:wrong command line",
                "3:not better than the champion: nothing written or published"})
public final class TrainCommand implements Callable<Integer> {
    /** Exit code when the new model does not beat the champion. */
    static final int NOT_BETTER = 3;

    @Option(names = "--dataset", paramLabel = "FILE.csv[.gz]", description = "labelled flows")
    Path datasetFile;

    @Option(names = "--label-column", paramLabel = "C", description = "the column holding the label (with --dataset)")
    String labelColumnOption;

    @Option(names = "--labels-topic", paramLabel = "TOPIC", description = "train on the Annotation records of this topic instead")
    String labelsTopic;

    @Mixin
    TrainingOptions training;

    @Option(names = "--features", split = ",", paramLabel = "a,b,c", description = "feature columns (default: every numeric column but the label)")
    List<String> features;

    @Option(names = "--exclude", split = ",", paramLabel = "a,b", description = "columns never used as features (identifiers, ports, times)")
    List<String> exclude;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.3", description = "held-out share per class (default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--model-id", paramLabel = "ID", defaultValue = "flow-classifier", description = "identity of the model update (default ${DEFAULT-VALUE})")
    String modelId;

    @Option(names = "--model-version", paramLabel = "N", description = "version of the model update (default: the current time, above the champion's)")
    Long version;

    @Option(names = "--output", paramLabel = "FILE", defaultValue = "model.avro", description = "model file (default ${DEFAULT-VALUE}; the model card goes to FILE.card.json)")
    Path output;

    @Mixin
    SigningKeyOptions signing;

    @Option(names = "--champion", paramLabel = "FILE", description = "current model: write/publish only if the new one has a higher macro F1 "
            + "(with --publish and no --champion: the newest version of --model-id on the topic)")
    Path championFile;

    @Option(names = "--force", description = "write/publish even if not better than the champion")
    boolean force;

    @Option(names = "--publish", description = "send the signed update to Kafka (--bootstrap-servers, --topic)")
    boolean publish;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "models", description = "models topic (default ${DEFAULT-VALUE})")
    String topic;

    @Override
    public Integer call() throws Exception {
        // everything that can be checked is checked before the training starts
        byte[] key = signing.key();
        if (publish || labelsTopic != null) {
            kafka.require();
        }
        if (testFraction <= 0 || testFraction >= 1) {
            throw UserError.usage("--test-fraction must be between 0 and 1, got " + testFraction);
        }
        ModelUpdate champion = championFile == null ? null : InputFiles.modelUpdate(championFile, "--champion");
        long seed = training.seed();
        Path dataset;
        String labelColumn;
        LabelledTable all;
        if (labelsTopic != null) {
            // labelled flows fed back on Kafka (Annotation records): read the topic to its end
            dataset = Path.of("kafka:" + labelsTopic);
            labelColumn = "label";
            all = LabelsTopic.read(kafka.require(), labelsTopic, features);
            System.out.printf("read %,d labelled flows from topic %s%n", all.size(), labelsTopic);
        } else {
            if (datasetFile == null) {
                throw UserError.usage("Missing required option: '--dataset=FILE.csv[.gz]' (or --labels-topic)");
            }
            if (labelColumnOption == null) {
                throw UserError.usage("Missing required option: '--label-column=C'");
            }
            dataset = datasetFile;
            labelColumn = labelColumnOption;
            all = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, features);
        }
        if (exclude != null) {
            all = all.without(exclude);
        }
        LabelledTable[] split = all.stratifiedSplit(testFraction, seed);
        ModelTraining.Params params = training.params(100);
        ForestTrainer.Params forest = params.forest();
        long t0 = System.nanoTime();
        ClassifierModel model = ModelTraining.train(split[0], params);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        ClassificationMetrics m = ClassificationMetrics.evaluate(model, split[1]);
        System.out.printf("trained %s on %,d rows x %d features in %.1f s; held-out %,d rows:%n%s%n",
                model.format(), split[0].size(), all.names.size(), trainSeconds, split[1].size(), m.report());

        // champion: the given model file, else (when publishing) the newest version of this model id on the topic
        if (champion == null && publish) {
            champion = io.flowpulse.active.TrainingService.currentModel(kafka.require(), topic, modelId);
        }
        if (champion != null) {
            double championF1 = ModelTraining.macroF1(champion, split[1]);
            if (championF1 == Double.NEGATIVE_INFINITY) {
                System.out.println("champion does not decode: any challenger is better");
            }
            System.out.printf("champion %s v%d macro F1 on the same split: %.4f; challenger: %.4f%n",
                    champion.getModelId(), champion.getVersion(), championF1, m.macroF1());
            if (m.macroF1() <= championF1 && !force) {
                System.out.println("not better than the champion: nothing written or published (--force overrides)");
                return NOT_BETTER;
            }
        }

        long v = version != null ? version : Math.max(System.currentTimeMillis(), champion == null ? 0 : champion.getVersion() + 1);
        ModelUpdate update = ModelTraining.signed(model, modelId, v, System.currentTimeMillis(), m.summary(), key);
        Files.write(output, Codecs.MODEL_UPDATE.encode(update));
        Path card = Path.of(output + ".card.json");
        Files.writeString(card, modelCard(update, dataset, labelColumn, all, split, training.kind(), forest, m, trainSeconds));
        System.out.printf("wrote %s (%,d bytes, %s v%d, signed) and %s%n", output, Files.size(output), modelId, v, card);
        if (publish) {
            try (TopicWriter w = io.flowpulse.active.TrainingService.modelWriter(kafka.require())) {
                w.send(topic, modelId, update.getCreatedMillis(), Codecs.MODEL_UPDATE, update);
                w.flush();
            }
            System.out.println("published to " + topic);
        }
        return 0;
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
