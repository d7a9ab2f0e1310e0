package io.flowpulse.config;

/**
 * The uid and name of every source, stateful operator and sink of the topology, in one place (as
 * Flink's allround test program does). A shipped uid never changes: savepoints map state by uid.
 * Add new operators at the end; never rename or reuse a uid.
 */
public enum Operators {
    PACKETS_SOURCE("packets-source", "Kafka source: packets"),
    PACKETS_DECODE("packets-decode", "Decode PacketEvent"),
    FLOW_AGGREGATOR("flow-aggregator", "FlowFeatureAggregator"),
    FLOWS_SINK("flows-sink", "Kafka sink: flows"),
    FLOW_RECORDS_SOURCE("flow-records-source", "Kafka source: flow-records"),
    FLOW_RECORDS_DECODE("flow-records-decode", "Decode FlowRecord"),
    FLOW_RECORDS_TO_FEATURES("flow-records-to-features", "FlowRecord to FlowFeatures"),
    PORT_SAMPLES_SOURCE("port-samples-source", "Kafka source: port-samples"),
    PORT_SAMPLES_DECODE("port-samples-decode", "Decode PortSample"),
    PORT_RESAMPLER("port-resampler", "PortSeriesResampler"),
    PORT_POINTS_SINK("port-points-sink", "Kafka sink: port-points"),
    PORT_DETECTOR("port-detector", "PortAnomalyDetector"),
    PORT_STL_DETECTOR("port-stl-detector", "PortStlDetector"),
    ANOMALIES_SINK("anomalies-sink", "Kafka sink: anomalies"),
    /** Uids of the operators {@code AlertEscalation} creates (gate, one CEP operator per pattern, episodes). */
    ALERT_ESCALATION_GATE(io.flowpulse.patterns.AlertEscalation.UID_GATE, "Escalation gate"),
    ALERT_ESCALATION_CEP(io.flowpulse.patterns.AlertEscalation.UID_CEP_PREFIX, "CEP: escalation patterns"),
    ALERT_EPISODES(io.flowpulse.patterns.AlertEscalation.UID_EPISODES, "Alert episodes"),
    ALERTS_SINK("alerts-sink", "Kafka sink: alerts"),
    LATE_PACKETS_TO_DEAD_LETTERS("late-packets-dlq", "Late packets to dead letters"),
    LATE_PORT_SAMPLES_TO_DEAD_LETTERS("late-port-samples-dlq", "Late port samples to dead letters"),
    DEAD_LETTERS_SINK("dead-letters-sink", "Kafka sink: dead-letters"),
    MODELS_SOURCE("models-source", "Kafka source: models"),
    MODELS_DECODE("models-decode", "Decode ModelUpdate"),
    FLOW_CLASSIFIER("flow-classifier", "FlowClassifier"),
    CLASSIFICATIONS_SINK("classifications-sink", "Kafka sink: classifications"),
    MODEL_EVENTS_SINK("model-events-sink", "Kafka sink: model-events"),
    UNSCORED_FLOWS_SINK("unscored-flows-sink", "Kafka sink: unscored-flows"),
    PORT_DETECTOR_ROUTE_HW("port-detector-route-hw", "Keys scored by Holt-Winters"),
    PORT_DETECTOR_ROUTE_STL("port-detector-route-stl", "Keys scored by STL"),
    SCORE_DUE_TIME("score-due-time", "Scores at their bucket's due time"),
    PORT_DETECTOR_ROUTE_RCF("port-detector-route-rcf", "Keys scored by Random Cut Forest"),
    PORT_RCF_DETECTOR("port-rcf-detector", "PortRcfDetector"),
    PORT_DETECTOR_ROUTE_ROBUST_BAND("port-detector-route-robust-band", "Keys scored by robust bands"),
    PORT_ROBUST_BAND_DETECTOR("port-robust-band-detector", "PortRobustBandDetector"),
    NO_DATA_SINK("no-data-sink", "Kafka sink: no-data signals"),
    ANNOTATION_DEDUP("annotation-dedup", "Annotation requests: once per flow"),
    ANNOTATION_BUDGET("annotation-budget", "Annotation requests: budget per window"),
    ANNOTATION_REQUESTS_SINK("annotation-requests-sink", "Kafka sink: annotation-requests"),
    PACKETS_TO_FLOW_PACKETS("packets-to-flow-packets", "PacketEvent to FlowPacket"),
    ANNOTATION_EVENT_TIME("annotation-event-time", "Annotation requests: event time of the flow"),
    FLOW_RECORDS_UDP_SOURCE("flow-records-udp-source", "UDP source: NetFlow/IPFIX exports"),
    LATE_ANNOTATION_REQUESTS_TO_DEAD_LETTERS("late-annotation-requests-dlq", "Late annotation requests to dead letters");

    private final String uid;
    private final String displayName;

    Operators(String uid, String displayName) {
        this.uid = uid;
        this.displayName = displayName;
    }

    public String uid() {
        return uid;
    }

    public String displayName() {
        return displayName;
    }
}
