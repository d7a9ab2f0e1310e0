package io.flowpulse.active;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.FlowKey;
import io.flowpulse.sources.LabelledFlowCsv;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The oracle of experiments: the true label of each flow, read from a labelled flow file
 * ({@link LabelledFlowCsv}: ipfixprobe/CESNET or CICFlowMeter columns, a file or a directory) and
 * matched to a request by flow id, i.e. the canonical 5-tuple and the flow start
 * ({@code AnnotationRequest.requestId}). The first row of a flow id wins; label values can be
 * renamed (e.g. {@code 1=True,0=False}).
 */
public final class OracleLabels implements Annotator {
    private final Map<String, String> labels;
    private long unknown;

    public OracleLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    public static OracleLabels fromFile(Path file, String column, Map<String, String> rename) throws IOException {
        Map<String, String> labels = new HashMap<>();
        LabelledFlowCsv.read(file, column, (r, label) -> {
            if (label == null) {
                throw new IllegalArgumentException("no oracle column '" + column + "' in " + file);
            }
            labels.putIfAbsent(flowId(r.getKey(), r.getStartMicros()), rename.getOrDefault(label, label));
        });
        return new OracleLabels(labels);
    }

    /** The id of a flow, as the classifier writes it into {@code requestId}. */
    public static String flowId(FlowKey key, long startMicros) {
        return FlowKeySelector.canonicalKey(key) + "@" + startMicros;
    }

    /** {@code a=b,c=d} as a map; empty for null or "". */
    public static Map<String, String> renames(String spec) {
        Map<String, String> m = new HashMap<>();
        if (spec != null) {
            for (String kv : spec.split(",")) {
                if (kv.contains("=")) {
                    m.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
        }
        return m;
    }

    public int size() {
        return labels.size();
    }

    /** Requests the oracle had no label for. */
    public long unknown() {
        return unknown;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public String label(AnnotationRequest r) {
        String l = labels.get(r.getRequestId());
        if (l == null) {
            l = labels.get(flowId(r.getKey(), r.getFlowStartMicros()));
        }
        if (l == null) {
            unknown++;
        }
        return l;
    }
}
