package io.flowpulse.bench;

import java.util.Locale;

/** The bench's scenarios: which input feeds the topology and which output its latency is measured on. */
public enum BenchScenario {
    /** pcap packets -> decode -> watermarks -> FlowFeatureAggregator -> flows. */
    PACKETS("packets", "flows"),
    /** exporter FlowRecords -> features -> FlowClassifierFunction (model broadcast) -> classifications. */
    FLOWS("flow-records", "classifications"),
    /** port samples -> resampler -> Holt-Winters detector -> CEP escalation -> anomalies, alerts. */
    PORTS("port-samples", "anomalies"),
    /** softflowd's recorded NetFlow/IPFIX exports: decode rate, then the decoded FlowRecords -> features -> classifications. */
    COLLECTOR("flow-records", "classifications");

    /** Default name of the input topic. */
    public final String inputTopic;
    /** Default name of the output topic whose latency is reported. */
    public final String primaryOutput;

    BenchScenario(String inputTopic, String primaryOutput) {
        this.inputTopic = inputTopic;
        this.primaryOutput = primaryOutput;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BenchScenario of(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
