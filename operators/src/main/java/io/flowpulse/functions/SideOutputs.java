package io.flowpulse.functions;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.PortSample;
import org.apache.flink.util.OutputTag;

/** Every OutputTag of the topology, in one holder. */
public final class SideOutputs {
    /** Records that could not be decoded or validated, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};
    /** Packets that arrived behind the watermark of their flow. */
    public static final OutputTag<io.flowpulse.records.FlowPacket> LATE_PACKETS = new OutputTag<>("late-packets") {};
    /** Port samples that arrived after their bucket's allowed lateness. */
    public static final OutputTag<PortSample> LATE_PORT_SAMPLES = new OutputTag<>("late-port-samples") {};

    /**
     * One signal per port that goes silent ({@code PortSeriesResampler}: {@code noDataAfterBuckets}
     * gap-filled buckets in a row): an {@link io.flowpulse.records.Alert} with modelId
     * {@value PortSeriesResampler#NO_DATA_MODEL_ID}, WARNING/OPEN, not an anomaly episode.
     */
    public static final OutputTag<io.flowpulse.records.Alert> NO_DATA = new OutputTag<>("no-data") {};

    /** What the classifier did with each model update (accepted / rejected with the reason). */
    public static final OutputTag<io.flowpulse.records.ModelEvent> MODEL_EVENTS = new OutputTag<>("model-events") {};
    /** Flows that arrived before any model while the bounded buffer was full: routed, not dropped. */
    public static final OutputTag<io.flowpulse.records.FlowFeatures> UNSCORED_FLOWS = new OutputTag<>("unscored-flows") {};

    /** Predictions worth a label (score above the threshold), before the budget and dedup. */
    public static final OutputTag<io.flowpulse.records.AnnotationRequest> QUERY_CANDIDATES = new OutputTag<>("query-candidates") {};
    /** Query candidates whose budget window had already fired (issue 18: they were dropped silently). */
    public static final OutputTag<io.flowpulse.records.AnnotationRequest> LATE_ANNOTATION_REQUESTS =
            new OutputTag<>("late-annotation-requests") {};

    private SideOutputs() {}
}
