package io.flowpulse.cli;

import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.codec.Codecs;
import java.util.List;

/** Labelled flows fed back on Kafka (Annotation records) as a training table. */
public final class LabelsTopic {
    private LabelsTopic() {}

    /** Every Annotation on the topic, deduplicated by flow (last label wins); features by name (missing = NaN). */
    public static LabelledTable read(String bootstrap, String topic, List<String> features) {
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
            throw UserError.input("no labelled flows on topic " + topic);
        }
        return new LabelledTable(names, rows, labels);
    }

}
