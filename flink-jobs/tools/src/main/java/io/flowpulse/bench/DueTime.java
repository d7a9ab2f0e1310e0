package io.flowpulse.bench;

import io.flowpulse.config.JobOptions;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PortPoint;
import java.io.Serializable;
import org.apache.flink.configuration.Configuration;

/**
 * The event time (ms) at which an output became due by the job's semantics: an output's latency
 * is measured from the ingestion of the first input record whose event time reaches it (the
 * record that moved the watermark past the flow's timer or the bucket's lateness, or, for a
 * classification, the flow record itself) to the output's arrival. {@link Long#MAX_VALUE}: due at
 * end of input (flows still open when the bounded input ends).
 */
final class DueTime implements Serializable {
    private static final long serialVersionUID = 1L;
    static final long NOT_MEASURED = Long.MIN_VALUE;

    private final long outOfOrdernessMillis;
    private final long idleMillis;
    private final long activeMillis;
    private final long closingMillis = FlowAggregatorParams.DEFAULT_CLOSING_TIMEOUT_MICROS / 1000; // a closed flow's linger
    private final long portLatenessMillis;

    DueTime(Configuration conf) {
        outOfOrdernessMillis = conf.get(JobOptions.OUT_OF_ORDERNESS).toMillis();
        idleMillis = conf.get(JobOptions.FLOW_IDLE_TIMEOUT).toMillis();
        activeMillis = conf.get(JobOptions.FLOW_ACTIVE_TIMEOUT).toMillis();
        portLatenessMillis = conf.get(JobOptions.PORT_ALLOWED_LATENESS).toMillis();
    }

    long of(Object record) {
        if (record instanceof Classification c) {
            return Math.floorDiv(c.getFlowEndMicros(), 1000);
        }
        if (record instanceof FlowFeatures f) {
            long end = Math.floorDiv(f.getEndMicros(), 1000);
            return switch (f.getTermination()) {
                case FIN, RST -> end + closingMillis + outOfOrdernessMillis;
                case IDLE_TIMEOUT -> end + idleMillis + outOfOrdernessMillis;
                case ACTIVE_TIMEOUT -> Math.floorDiv(f.getStartMicros(), 1000) + activeMillis + outOfOrdernessMillis;
                case EXPORTER -> end;
                case END_OF_INPUT -> Long.MAX_VALUE;
            };
        }
        if (record instanceof AnomalyScore a) {
            return a.getBucketEndMillis() + portLatenessMillis + outOfOrdernessMillis;
        }
        if (record instanceof PortPoint p) {
            return p.getBucketEndMillis() + portLatenessMillis + outOfOrdernessMillis;
        }
        return NOT_MEASURED;
    }
}
