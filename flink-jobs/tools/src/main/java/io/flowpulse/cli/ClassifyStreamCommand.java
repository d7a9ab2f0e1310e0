package io.flowpulse.cli;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.LocalFlinkCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.features.DohFeatures;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.LabelledFlowCsv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code ./flowpulse classify-stream}: streams labelled exporter flows (e.g. ALF's CESNET trapcap
 * flows) through the real job (embedded broker + local cluster) with a signed model on the models
 * topic, reads the classifications back and scores them against the label column.
 */
@Command(name = "classify-stream",
        description = "stream labelled exporter flows through the job with a model and score the classifications")
public final class ClassifyStreamCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "signed model update (./flowpulse train)")
    Path modelFile;

    @Option(names = "--flows", required = true, paramLabel = "FILE|DIR", description = "labelled exporter flows (.csv[.gz])")
    Path flowsFile;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "the true label column")
    String labelColumn;

    @Option(names = "--label-map", split = ",", paramLabel = "V=LABEL", description = "renames label values, e.g. 1=True,0=False")
    Map<String, String> labelMap = Map.of();

    @Mixin
    SigningKeyOptions signing;

    @Option(names = "--limit", paramLabel = "N", description = "first N flows only")
    Long limitOption;

    @Override
    public Integer call() throws Exception {
        ModelUpdate model = InputFiles.modelUpdate(modelFile, "--model");
        signing.key();
        if (signing.file() == null) {
            throw UserError.usage("Missing required option: '--signing-key-file=FILE' (the job reads the key from a file)");
        }
        long limit = limitOption == null ? Long.MAX_VALUE : limitOption;
        List<FlowRecord> flows = new ArrayList<>();
        Map<String, String> truth = new HashMap<>();
        Map<String, Boolean> inDomain = new HashMap<>();
        LabelledFlowCsv.read(InputFiles.existing(flowsFile, "--flows"), labelColumn, (r, label) -> {
            if (flows.size() < limit) {
                String k = FlowKeySelector.canonicalKey(r.getKey()) + "@" + r.getStartMicros();
                if (!truth.containsKey(k)) {
                    flows.add(r);
                    truth.put(k, labelMap.getOrDefault(label, label));
                    inDomain.put(k, DohFeatures.applicable(r.getFwdPackets(), r.getBwdPackets()));
                }
            }
        });
        if (flows.isEmpty()) {
            throw UserError.input(flowsFile + " has no flows");
        }
        Progress.say(String.format("%,d labelled flows; model %s v%d (%s)", flows.size(), model.getModelId(),
                model.getVersion(), model.getFormat()));
        long started = System.nanoTime();
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
            m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
            m.put(JobOptions.BOUNDED.key(), "true");
            m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), signing.file().toString());
            Configuration conf = Configuration.fromMap(m);
            List<String> topics = new ArrayList<>();
            for (var o : JobOptions.all()) {
                if (o.key().startsWith("topics.")) {
                    topics.add(String.valueOf(o.defaultValue()));
                }
            }
            EmbeddedKafkaCluster.createTopics(kafka.bootstrapServers(), 2, topics, Set.of("models"), new Properties());
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers())) {
                w.send("models", model.getModelId(), 0, Codecs.MODEL_UPDATE, model);
                for (FlowRecord r : flows) {
                    w.send("flow-records", FlowKeySelector.canonicalKey(r.getKey()), 0, Codecs.FLOW_RECORD, r);
                }
                w.flush();
            }
            try (LocalFlinkCluster flink = LocalFlinkCluster.start(new Configuration(), 2);
                    TopicReader<Classification> out = new TopicReader<>(kafka.bootstrapServers(), "classifications", Codecs.CLASSIFICATION)) {
                var env = flink.env(new Configuration());
                env.setParallelism(2);
                JobClient job = FlowpulseJob.start(env, conf);
                job.getJobExecutionResult().get();
                out.drainToEnd(Duration.ofSeconds(60));
                List<String> actual = new ArrayList<>();
                List<String> predicted = new ArrayList<>();
                List<String> actualDomain = new ArrayList<>();
                List<String> predictedDomain = new ArrayList<>();
                for (Classification c : out.records()) {
                    if (!c.getModelId().equals(model.getModelId())) {
                        continue;
                    }
                    String k = FlowKeySelector.canonicalKey(c.getKey()) + "@" + c.getFlowStartMicros();
                    String t = truth.get(k);
                    if (t == null) {
                        continue;
                    }
                    actual.add(t);
                    predicted.add(c.getLabel());
                    if (inDomain.get(k)) {
                        actualDomain.add(t);
                        predictedDomain.add(c.getLabel());
                    }
                }
                Progress.say(String.format("%,d classifications of %,d flows in %.1f s", actual.size(), flows.size(),
                        (System.nanoTime() - started) / 1e9));
                System.out.println("\nall flows:\n" + ClassificationMetrics.of(actual, predicted).report());
                System.out.println("flows in ALF's DoH domain (both directions, >= 6 packets): " + actualDomain.size() + "\n"
                        + ClassificationMetrics.of(actualDomain, predictedDomain).report());
                return actual.size() == flows.size() ? 0 : 1;
            }
        }
    }
}
