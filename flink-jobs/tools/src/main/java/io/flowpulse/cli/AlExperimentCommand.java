package io.flowpulse.cli;

import io.flowpulse.active.ActiveLearningExperiment;
import io.flowpulse.active.LearningCurves;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.LocalFlinkCluster;
import io.flowpulse.ml.classify.ModelTraining;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/**
 * {@code ./flowpulse al-experiment}: replays a labelled flow stream through the real
 * active-learning loop (embedded broker + local Flink cluster) once per query strategy and writes
 * the learning curves ({@link ActiveLearningExperiment}, {@link LearningCurves}).
 */
@Command(name = "al-experiment",
        description = "active-learning experiment: a labelled stream through the real loop, learning curves per query strategy")
public final class AlExperimentCommand implements Callable<Integer> {
    @Option(names = "--stream", required = true, paramLabel = "FILE|DIR",
            description = "labelled flows (ipfixprobe/CESNET or CICFlowMeter columns, .csv[.gz]) replayed on flow-records")
    Path stream;

    @Option(names = "--oracle", required = true, paramLabel = "COLUMN", description = "the true label column")
    String oracle;

    @Option(names = "--label-map", split = ",", paramLabel = "V=LABEL", description = "renames label values, e.g. 1=True,0=False")
    Map<String, String> labelMap = Map.of();

    @Option(names = "--initial", paramLabel = "D0.csv", description = "initial labelled set; without it, --initial-size random flows of the stream")
    Path initial;

    @Option(names = "--initial-label-column", paramLabel = "C", defaultValue = "class", description = "default ${DEFAULT-VALUE}")
    String initialLabelColumn;

    @Option(names = "--initial-size", paramLabel = "N", defaultValue = "500", description = "default ${DEFAULT-VALUE}")
    int initialSize;

    @Option(names = "--strategies", split = ",", paramLabel = "a,b", defaultValue = "random,least-confident,margin,entropy",
            description = "query strategies (default ${DEFAULT-VALUE})")
    List<String> strategies;

    @Option(names = "--budget", paramLabel = "B", defaultValue = "200", description = "labels per round (default ${DEFAULT-VALUE})")
    int budget;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "10", description = "rounds; the pool is cut into R chunks (default ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--threshold", paramLabel = "T", defaultValue = "0", description = "minimum query score (default 0: the budget is always spent)")
    double threshold;

    @Option(names = "--per-class-cap", paramLabel = "N", defaultValue = "0", description = "per predicted class and round (default: the budget, no cap)")
    int perClassCap;

    @Option(names = "--holdout-fraction", paramLabel = "F", defaultValue = "0.3", description = "fixed held-out share of the stream, stratified")
    double holdoutFraction;

    @Mixin
    TrainingOptions training;

    @Option(names = "--max-size", paramLabel = "N", defaultValue = "10000", description = "labelled dataset bound (default ${DEFAULT-VALUE})")
    int maxSize;

    @Option(names = "--exclude", split = ",", paramLabel = "a,b", description = "features never used")
    List<String> exclude = List.of();

    @Option(names = "--limit", paramLabel = "N", description = "first N flows of the stream only")
    Long limit;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "al-output", description = "CSVs, learning-curves.png, summary.md (default ${DEFAULT-VALUE})")
    Path outputDir;

    @Override
    public Integer call() throws Exception {
        ActiveLearningExperiment.Settings s = new ActiveLearningExperiment.Settings();
        s.initial = initial == null ? null : InputFiles.existingFile(initial, "--initial");
        s.initialLabelColumn = initialLabelColumn;
        s.initialSize = initialSize;
        s.stream = InputFiles.existing(stream, "--stream");
        s.oracleColumn = oracle;
        s.labelMap = new java.util.HashMap<>(labelMap);
        s.strategies = strategies;
        for (String st : s.strategies) {
            try {
                io.flowpulse.ml.active.QueryStrategy.of(st);
            } catch (IllegalArgumentException e) {
                throw UserError.usage("--strategies: " + e.getMessage());
            }
        }
        s.budget = budget;
        s.rounds = rounds;
        s.threshold = threshold;
        s.perClassCap = perClassCap;
        s.heldOutFraction = holdoutFraction;
        s.seed = training.seed();
        String kind = training.kind();
        s.model = training.params(50);
        s.maxSize = maxSize;
        s.limit = limit == null ? Long.MAX_VALUE : limit;
        s.exclude = exclude;
        s.output = outputDir;
        // a fresh signing key per experiment: its models are signed and verified like any other
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        byte[] hexKey = HexFormat.of().formatHex(key).getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        ActiveLearningExperiment.Result r;
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
                LocalFlinkCluster flink = LocalFlinkCluster.start(new Configuration(), 2)) {
            Configuration jobConf = new Configuration();
            jobConf.set(PipelineOptions.GENERIC_TYPES, false);
            r = new ActiveLearningExperiment(s, hexKey).run(kafka.bootstrapServers(), () -> flink.env(jobConf));
        }
        Files.createDirectories(s.output);
        LearningCurves.writeCsv(s.output, r);
        Path png = s.output.resolve("learning-curves.png");
        LearningCurves.writeChart(png, String.format("%s: budget %d x %d rounds, %s", s.stream.getFileName(), s.budget,
                s.rounds, kind), r);
        String table = LearningCurves.table(r);
        Files.writeString(s.output.resolve("summary.md"), table);
        System.out.println("\n" + table);
        System.out.printf("wrote %s, %s and one CSV per strategy in %s (%.0f s)%n", png, s.output.resolve("summary.md"),
                s.output, (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
