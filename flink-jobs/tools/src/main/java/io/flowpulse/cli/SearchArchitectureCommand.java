package io.flowpulse.cli;

import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.ml.sequence.ArchitectureSearch;
import io.flowpulse.ml.sequence.CnnArchitecture;
import io.flowpulse.ml.sequence.PacketSequence;
import io.flowpulse.ml.sequence.SequenceCnnModel;
import io.flowpulse.ml.sequence.SequenceCnnTrainer;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.awt.Color;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse search-architecture}: searches 1-D CNN architectures over packet sequences
 * (random search or regularized evolution) under a time budget, reports every candidate (CSV:
 * validation accuracy, parameters, inference time) with a Pareto plot, retrains the chosen one on
 * all training groups, scores it once on held-out groups the search never saw, and writes (and
 * optionally publishes) it as a signed model update.
 */
@Command(name = "search-architecture",
        description = {"search 1-D CNN architectures over packet sequences under a budget; CSV + Pareto plot; publish the chosen",
                "", "  ./flowpulse search-architecture --dataset SEQ.csv[.gz] --label-column C --signing-key-file model.key [options]",
                "", "The table has packet-sequence columns size_i, iat_ms_i (./flowpulse sequence-features --packets N).", ""})
public final class SearchArchitectureCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "SEQ.csv[.gz]", description = "flows with packet-sequence columns")
    Path data;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "the column holding the label")
    String labelColumn;

    @Option(names = "--group-column", paramLabel = "C", description = "grouped splits (test groups, then validation groups inside "
            + "training); without it stratified random splits (optimistic)")
    String groupColumn;

    @Option(names = "--group-block", paramLabel = "N", defaultValue = "0", description = "with --group-column: groups of N consecutive flow numbers")
    int groupBlock;

    @Option(names = "--strategy", paramLabel = "random|evolution", defaultValue = "evolution",
            description = "random search or regularized evolution (default ${DEFAULT-VALUE})")
    String strategy;

    @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "wall-clock budget of the search (default ${DEFAULT-VALUE})")
    Duration budget;

    @Option(names = "--max-candidates", paramLabel = "N", defaultValue = "1000", description = "at most this many candidates (default ${DEFAULT-VALUE})")
    int maxCandidates;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "same seed: same candidates, same order, same scores (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--input-lengths", paramLabel = "16,32,64", description = "input lengths N to search (default: 8,16,32,64 up to the table's)")
    String inputLengths;

    @Option(names = "--first-bytes", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "when the table has first-bytes columns byte_P_J (./flowpulse flows --first-bytes-packets), every candidate"
                    + " also takes them as input (default ${DEFAULT-VALUE})")
    boolean firstBytes;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "4", description = "epochs per candidate (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--final-epochs", paramLabel = "N", defaultValue = "10", description = "epochs of the chosen one (default ${DEFAULT-VALUE})")
    int finalEpochs;

    @Option(names = "--max-train-rows", paramLabel = "N", defaultValue = "3000", description = "subsample the search-train table (0 = all; default ${DEFAULT-VALUE})")
    int maxTrainRows;

    @Option(names = "--population", paramLabel = "P", defaultValue = "12", description = "evolution's population (default ${DEFAULT-VALUE})")
    int population;

    @Option(names = "--sample", paramLabel = "S", defaultValue = "4", description = "evolution's tournament size (default ${DEFAULT-VALUE})")
    int sample;

    @Option(names = "--max-macs", paramLabel = "N", defaultValue = "100000", description = "choose among candidates with at most N "
            + "multiply-accumulates per flow (inference cost; default ${DEFAULT-VALUE})")
    long maxMacs;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64", description = "training mini-batch (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.003", description = "Adam's learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--test-fraction", paramLabel = "F", defaultValue = "0.3", description = "held-out group share (default ${DEFAULT-VALUE}); validation is 0.25 of the rest")
    double testFraction;

    @Option(names = "--out-dir", paramLabel = "DIR", defaultValue = "search-out", description = "candidates.csv, pareto.png, model.avro (default ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--model-id", paramLabel = "ID", defaultValue = "seq-cnn", description = "identity of the model update (default ${DEFAULT-VALUE})")
    String modelId;

    @Option(names = "--model-version", paramLabel = "N", description = "version of the model update (default: now)")
    Long version;

    @Mixin
    SigningKeyOptions signing;

    @Option(names = "--publish", description = "send the chosen model to Kafka (--bootstrap-servers, --topic)")
    boolean publish;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "models", description = "models topic (default ${DEFAULT-VALUE})")
    String topic;

    @Override
    public Integer call() throws Exception {
        byte[] key = signing.key();
        if (publish) {
            kafka.require();
        }
        if (!strategy.equals("random") && !strategy.equals("evolution")) {
            throw UserError.usage("--strategy random or evolution, not " + strategy);
        }
        if (testFraction <= 0 || testFraction >= 1) {
            throw UserError.usage("--test-fraction must be between 0 and 1, got " + testFraction);
        }
        InputFiles.existingFile(data, "--dataset");
        LabelledTable all = InputFiles.labelledCsv(data, "--dataset", labelColumn, null, groupColumn, groupBlock);
        int available = 0;
        while (all.names.contains(PacketSequence.SIZE + available) && all.names.contains(PacketSequence.IAT_MS + available)) {
            available++;
        }
        if (available < 2) {
            throw UserError.input("no packet-sequence columns size_0.., iat_ms_0.. in " + data
                    + " (make them with ./flowpulse sequence-features)");
        }
        int[] lengths = lengths(inputLengths, available);
        LabelledTable[] outer = all.split(testFraction, seed);
        LabelledTable[] inner = outer[0].split(0.25, seed + 1);
        LabelledTable searchTrain = inner[0].subsample(maxTrainRows, seed);
        String splitKind = all.hasGroups() ? "grouped by " + groupColumn : "stratified random";
        System.out.printf("%,d flows, packet sequences up to N=%d; split %s: search-train %,d (of %,d), validation %,d,"
                + " test %,d%s%n", all.size(), available, splitKind, searchTrain.size(), inner[0].size(), inner[1].size(),
                outer[1].size(), all.hasGroups() ? String.format(" (%d / %d / %d groups)", new HashSet<>(inner[0].groups).size(),
                        new HashSet<>(inner[1].groups).size(), new HashSet<>(outer[1].groups).size()) : "");

        ArchitectureSearch.Params p;
        SequenceCnnTrainer.Params training;
        try {
            p = new ArchitectureSearch.Params(strategy, budget.toNanos(), maxCandidates, seed, epochs, lengths, population, sample);
            int bytePackets = 0;
            int byteLength = 0;
            while (firstBytes && all.names.contains(PacketSequence.BYTE + bytePackets + "_0")) {
                bytePackets++;
            }
            while (bytePackets > 0 && all.names.contains(PacketSequence.BYTE + "0_" + byteLength)) {
                byteLength++;
            }
            if (bytePackets > 0) {
                p = p.withFirstBytes(bytePackets, byteLength);
                System.out.printf("first bytes: %d packets x %d bytes as input channels%n", bytePackets, byteLength);
            }
            training = new SequenceCnnTrainer.Params(p.epochs, batchSize, (float) learningRate, seed);
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        System.out.printf("search: %s, budget %s, %d epochs per candidate, N in %s, seed %d%n", p.strategy, budget, p.epochs,
                java.util.Arrays.toString(lengths), seed);
        long t0 = System.nanoTime();
        double[] best = {-1};
        List<ArchitectureSearch.Candidate> candidates = ArchitectureSearch.run(searchTrain, inner[1], p, training, c -> {
            best[0] = Math.max(best[0], c.macroF1);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            System.out.printf("[%3d %5.0fs/%ds] acc %.4f F1 %.4f %,8d params %,9d MACs %6.2f us/flow %5.1fs  %s  (best F1 %.4f)%n",
                    c.index + 1, elapsed, budget.toSeconds(), c.accuracy, c.macroF1, c.parameters, c.macs, c.microsPerFlow, c.trainSeconds,
                    c.architecture, best[0]);
            System.out.flush();
        });
        if (candidates.isEmpty()) {
            throw UserError.input("the budget ended before the first candidate was scored: give a larger --budget");
        }
        Files.createDirectories(outDir);
        List<ArchitectureSearch.Candidate> front = ArchitectureSearch.pareto(candidates);
        Path csv = outDir.resolve("candidates.csv");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println(ArchitectureSearch.Candidate.csvHeader());
            for (ArchitectureSearch.Candidate c : candidates) {
                w.println(c.csv(front.contains(c)));
            }
        }
        ArchitectureSearch.Candidate chosen = ArchitectureSearch.choose(candidates, maxMacs);
        Path png = outDir.resolve("pareto.png");
        plot(candidates, front, chosen, png, p.strategy);
        System.out.printf("%d candidates in %.0f s; %d on the Pareto front; wrote %s and %s%nchosen #%d: %s (validation F1 %.4f,"
                + " %,d params, %,d MACs per flow)%n", candidates.size(), (System.nanoTime() - t0) / 1e9, front.size(), csv, png,
                chosen.index + 1, chosen.architecture, chosen.macroF1, chosen.parameters, chosen.macs);

        // the chosen architecture on all training groups, scored once on the held-out test groups
        long t1 = System.nanoTime();
        LabelledTable finalTrain = outer[0].subsample(maxTrainRows <= 0 ? 0
                : Math.max(maxTrainRows, 1) * 4 / 3, seed);
        try (SequenceCnnModel model = SequenceCnnTrainer.train(finalTrain, chosen.architecture,
                new SequenceCnnTrainer.Params(finalEpochs, training.batchSize, training.learningRate, seed))) {
            double trainSeconds = (System.nanoTime() - t1) / 1e9;
            ClassificationMetrics m = ClassificationMetrics.evaluate(model, outer[1]);
            double us = ArchitectureSearch.microsPerFlow(model, outer[1], 256);
            System.out.printf("final: %d epochs on %,d flows in %.1f s; held-out test (%s, never seen by the search),"
                    + " %,d flows:%n%s%n", finalEpochs, finalTrain.size(), trainSeconds, splitKind, outer[1].size(), m.report());
            System.out.printf("size: %,d parameters, payload %,d bytes; batched inference %.2f us/flow on one thread%n",
                    model.parameterCount(), model.encode().length, us);
            Map<String, Double> metrics = new LinkedHashMap<>(m.summary());
            metrics.put("parameters", (double) model.parameterCount());
            metrics.put("macs_per_flow", (double) chosen.macs);
            metrics.put("inference_us_per_flow", us);
            long v = version != null ? version : System.currentTimeMillis();
            ModelUpdate update = ModelTraining.signed(model, modelId, v, System.currentTimeMillis(), metrics, key);
            Path out = outDir.resolve("model.avro");
            Files.write(out, Codecs.MODEL_UPDATE.encode(update));
            Files.writeString(Path.of(out + ".card.json"), card(update, chosen.architecture, data, splitKind, p, finalEpochs,
                    finalTrain.size(), outer[1].size(), m));
            System.out.printf("wrote %s (%s v%d, %s, signed)%n", out, modelId, v, SequenceCnnModel.FORMAT);
            if (publish) {
                try (TopicWriter w = io.flowpulse.active.TrainingService.modelWriter(kafka.require())) {
                    w.send(topic, modelId, update.getCreatedMillis(), Codecs.MODEL_UPDATE, update);
                    w.flush();
                }
                System.out.println("published to " + topic);
            }
        }
        return 0;
    }

    static int[] lengths(String option, int available) {
        List<Integer> out = new ArrayList<>();
        if (option == null) {
            for (int n : new int[] {8, 16, 32, 64}) {
                if (n <= available) {
                    out.add(n);
                }
            }
        } else {
            for (String s : option.split(",")) {
                int n = Integer.parseInt(s.trim());
                if (n < 2 || n > available) {
                    throw UserError.usage("--input-lengths: " + n + " is not in 2.." + available + " (the table's packets)");
                }
                out.add(n);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Validation accuracy against parameters (log scale), the Pareto front as a line, the chosen one marked. */
    static void plot(List<ArchitectureSearch.Candidate> all, List<ArchitectureSearch.Candidate> front,
            ArchitectureSearch.Candidate chosen, Path png, String strategy) throws java.io.IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("architecture search (" + strategy + ", " + all.size() + " candidates)")
                .xAxisTitle("parameters (log)").yAxisTitle("validation accuracy").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries s = chart.addSeries("candidates", all.stream().mapToDouble(c -> c.parameters).toArray(),
                all.stream().mapToDouble(c -> c.accuracy).toArray());
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(new Color(90, 120, 200, 160));
        List<ArchitectureSearch.Candidate> f2 = new ArrayList<>();
        // the 2-D front (accuracy vs parameters) of the candidates
        double bestAcc = -1;
        List<ArchitectureSearch.Candidate> byParams = new ArrayList<>(all);
        byParams.sort(java.util.Comparator.comparingLong((ArchitectureSearch.Candidate c) -> c.parameters)
                .thenComparing(c -> -c.accuracy));
        for (ArchitectureSearch.Candidate c : byParams) {
            if (c.accuracy > bestAcc) {
                f2.add(c);
                bestAcc = c.accuracy;
            }
        }
        XYSeries line = chart.addSeries("Pareto front (accuracy vs parameters)", f2.stream().mapToDouble(c -> c.parameters).toArray(),
                f2.stream().mapToDouble(c -> c.accuracy).toArray());
        line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        line.setLineColor(new Color(200, 60, 40));
        line.setMarker(SeriesMarkers.DIAMOND);
        line.setMarkerColor(new Color(200, 60, 40));
        XYSeries pick = chart.addSeries("chosen #" + (chosen.index + 1), new double[] {chosen.parameters},
                new double[] {chosen.accuracy});
        pick.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pick.setMarker(SeriesMarkers.SQUARE);
        pick.setMarkerColor(new Color(30, 150, 60));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String card(ModelUpdate u, CnnArchitecture arch, Path data, String split, ArchitectureSearch.Params p,
            int finalEpochs, int trainRows, int testRows, ClassificationMetrics m) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"modelId\": \"").append(u.getModelId()).append("\",\n");
        sb.append("  \"version\": ").append(u.getVersion()).append(",\n");
        sb.append("  \"format\": \"").append(u.getFormat()).append("\",\n");
        sb.append("  \"library\": \"DJL 0.36.0, PyTorch 2.7.1 CPU (offline) -> SequenceCnnModel\",\n");
        sb.append("  \"architecture\": \"").append(arch).append("\",\n");
        sb.append("  \"search\": {\"strategy\": \"").append(p.strategy).append("\", \"seed\": ").append(p.seed)
                .append(", \"epochsPerCandidate\": ").append(p.epochs).append(", \"budgetSeconds\": ").append(p.budgetNanos / 1_000_000_000L)
                .append("},\n");
        sb.append("  \"data\": {\"file\": \"").append(data.toString().replace("\\", "/")).append("\", \"split\": \"").append(split)
                .append("\", \"train\": ").append(trainRows).append(", \"test\": ").append(testRows).append(", \"finalEpochs\": ")
                .append(finalEpochs).append("},\n");
        sb.append("  \"metrics\": {");
        String sep = "";
        for (Map.Entry<String, Double> e : u.getMetrics().entrySet()) {
            sb.append(sep).append('"').append(e.getKey()).append("\": ").append(String.format(java.util.Locale.ROOT, "%.6f", e.getValue()));
            sep = ", ";
        }
        sb.append("},\n  \"perClassRecall\": {");
        sep = "";
        for (int c = 0; c < m.classes.size(); c++) {
            sb.append(sep).append('"').append(m.classes.get(c).replace("\"", "'")).append("\": ")
                    .append(String.format(java.util.Locale.ROOT, "%.6f", m.recall(c)));
            sep = ", ";
        }
        sb.append("}\n}\n");
        return sb.toString();
    }
}
