package io.flowpulse.cli;

import io.flowpulse.active.ActiveLearningExperiment;
import io.flowpulse.active.LearningCurves;
import io.flowpulse.active.OracleLabels;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.LocalFlinkCluster;
import io.flowpulse.ml.classify.ModelTraining;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;

/**
 * {@code ./flowpulse al-experiment}: replays a labelled flow stream through the real
 * active-learning loop (embedded broker + local Flink cluster) once per query strategy and writes
 * the learning curves ({@link ActiveLearningExperiment}, {@link LearningCurves}).
 */
public final class AlExperimentCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse al-experiment --stream FLOWS.csv[.gz]|DIR --oracle COLUMN [--initial D0.csv] [options]",
            "  --initial D0.csv --initial-label-column C   initial labelled set (default column class); without it,",
            "                             --initial-size N random flows of the stream (default 500) form D0",
            "  --stream FILE|DIR          labelled flows (ipfixprobe/CESNET or CICFlowMeter columns) replayed on flow-records",
            "  --oracle COLUMN            the true label column; --label-map 1=True,0=False renames its values",
            "  --strategies a,b           default random,least-confident,margin,entropy",
            "  --budget B --rounds R      labels per round (default 200) and rounds (default 10): the pool is cut into R chunks",
            "  --threshold T              minimum query score (default 0: the budget is always spent)",
            "  --per-class-cap N          per predicted class and round (default: the budget, i.e. no cap)",
            "  --holdout-fraction F       fixed held-out share of the stream, stratified (default 0.3)",
            "  --model rf|gbt|lr --trees N --depth N   (default rf, 50 trees, depth 14)",
            "  --max-size N               labelled dataset bound (default 10000), --exclude a,b  features never used",
            "  --limit N                  first N flows of the stream only; --seed N (default 42)",
            "  --output DIR               CSVs, learning-curves.png, summary.md (default al-output)",
            "");

    @Override
    public String name() {
        return "al-experiment";
    }

    @Override
    public String summary() {
        return "active-learning experiment: a labelled stream through the real loop, learning curves per query strategy";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HELP);
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("initial", "initial-label-column", "initial-size", "stream", "oracle", "label-map",
                "strategies", "budget", "rounds", "threshold", "per-class-cap", "holdout-fraction", "model", "trees", "depth",
                "max-size", "exclude", "limit", "seed", "output"), Set.of());
        ActiveLearningExperiment.Settings s = new ActiveLearningExperiment.Settings();
        s.initial = a.has("initial") ? Path.of(a.get("initial", null)) : null;
        s.initialLabelColumn = a.get("initial-label-column", "class");
        s.initialSize = a.getInt("initial-size", 500);
        s.stream = Path.of(a.require("stream"));
        s.oracleColumn = a.require("oracle");
        s.labelMap = OracleLabels.renames(a.get("label-map", ""));
        s.strategies = List.of(a.get("strategies", "random,least-confident,margin,entropy").split(","));
        for (String st : s.strategies) {
            io.flowpulse.ml.active.QueryStrategy.of(st);
        }
        s.budget = a.getInt("budget", 200);
        s.rounds = a.getInt("rounds", 10);
        s.threshold = a.getDouble("threshold", 0.0);
        s.perClassCap = a.getInt("per-class-cap", 0);
        s.heldOutFraction = a.getDouble("holdout-fraction", 0.3);
        s.seed = a.getLong("seed", 42);
        String kind = a.get("model", "rf");
        s.model = new ModelTraining.Params(kind, a.getInt("trees", 50), a.getInt("depth", kind.equals("gbt") ? 6 : 14), s.seed);
        s.maxSize = a.getInt("max-size", 10_000);
        s.limit = a.getLong("limit", Long.MAX_VALUE);
        s.exclude = a.has("exclude") ? List.of(a.get("exclude", "").split(",")) : List.of();
        s.output = Path.of(a.get("output", "al-output"));
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
