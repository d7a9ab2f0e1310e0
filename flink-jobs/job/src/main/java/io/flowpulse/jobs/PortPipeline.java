package io.flowpulse.jobs;

import io.flowpulse.config.JobOptions;
import io.flowpulse.config.Operators;
import io.flowpulse.functions.PortKeySelector;
import io.flowpulse.functions.PortSeriesResampler;
import io.flowpulse.functions.SideOutputs;
import io.flowpulse.ml.series.PortSeriesParams;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.functions.BucketDueTimeStamper;
import io.flowpulse.functions.PortAnomalyDetector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import io.flowpulse.functions.PortPointKeySelector;
import io.flowpulse.functions.PortRcfDetector;
import io.flowpulse.functions.PortStlDetector;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.patterns.AlertEscalation;
import io.flowpulse.patterns.EscalationParams;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Per-port series: resampling, detectors and alert escalation. */
final class PortPipeline {
    private PortPipeline() {}

    static PortSeriesParams params(Configuration conf) {
        return PortSeriesParams.defaults()
                .withBucketMillis(conf.get(JobOptions.PORT_BUCKET).toMillis())
                .withAllowedLatenessMillis(conf.get(JobOptions.PORT_ALLOWED_LATENESS).toMillis())
                .withClipWindowMillis(conf.get(JobOptions.PORT_CLIP_WINDOW).toMillis())
                .withClipThreshold(conf.get(JobOptions.PORT_CLIP_THRESHOLD))
                .withStateTtlMillis(conf.get(JobOptions.PORT_STATE_TTL).toMillis());
    }

    static DataStream<PortPoint> define(DataStream<PortSample> samples, FlowpulseSinks sinks, Configuration conf,
            List<DataStream<DeadLetter>> deadLetters) {
        SingleOutputStreamOperator<PortPoint> points = samples
                .keyBy(new PortKeySelector())
                .process(new PortSeriesResampler(params(conf)))
                .uid(Operators.PORT_RESAMPLER.uid()).name(Operators.PORT_RESAMPLER.displayName());
        deadLetters.add(points.getSideOutput(SideOutputs.LATE_PORT_SAMPLES)
                .map(s -> FlowpulseTopology.late(Codecs.PORT_SAMPLE, s, "late-port-sample: after the bucket's allowed lateness"))
                .uid(Operators.LATE_PORT_SAMPLES_TO_DEAD_LETTERS.uid())
                .name(Operators.LATE_PORT_SAMPLES_TO_DEAD_LETTERS.displayName()));
        // COUNTER readings that went backwards (neither a wrap nor a reset), with the reason
        deadLetters.add(points.getSideOutput(SideOutputs.DEAD_LETTERS));
        if (sinks.portPoints() != null) {
            points.sinkTo(sinks.portPoints())
                    .uid(Operators.PORT_POINTS_SINK.uid()).name(Operators.PORT_POINTS_SINK.displayName());
        }

        // per-key detector (global default, overridable per device/port/direction): expected value
        // and accepted band with every score
        Duration bucket = conf.get(JobOptions.PORT_BUCKET);
        DetectorChoice choice = new DetectorChoice(conf.get(JobOptions.PORT_DETECTOR), conf.get(JobOptions.PORT_DETECTOR_OVERRIDES));
        DataStream<AnomalyScore> scores = null;
        if (choice.uses("holt-winters")) {
            scores = points.filter(p -> choice.detectorFor(p).equals("holt-winters"))
                    .uid(Operators.PORT_DETECTOR_ROUTE_HW.uid()).name(Operators.PORT_DETECTOR_ROUTE_HW.displayName())
                    .keyBy(new PortPointKeySelector())
                    .process(new PortAnomalyDetector(HoltWintersParams.forBucket(bucket.toMillis())))
                    .uid(Operators.PORT_DETECTOR.uid()).name(Operators.PORT_DETECTOR.displayName());
        }
        if (choice.uses("stl")) {
            DataStream<AnomalyScore> stl = points.filter(p -> choice.detectorFor(p).equals("stl"))
                    .uid(Operators.PORT_DETECTOR_ROUTE_STL.uid()).name(Operators.PORT_DETECTOR_ROUTE_STL.displayName())
                    .keyBy(new PortPointKeySelector())
                    .process(new PortStlDetector(bucket))
                    .uid(Operators.PORT_STL_DETECTOR.uid()).name(Operators.PORT_STL_DETECTOR.displayName());
            scores = scores == null ? stl : scores.union(stl);
        }
        if (choice.uses("random-cut-forest")) {
            // ~268 KB of state per key: for a short list of important ports, not the default
            DataStream<AnomalyScore> rcf = points.filter(p -> choice.detectorFor(p).equals("random-cut-forest"))
                    .uid(Operators.PORT_DETECTOR_ROUTE_RCF.uid()).name(Operators.PORT_DETECTOR_ROUTE_RCF.displayName())
                    .keyBy(new PortPointKeySelector())
                    .process(new PortRcfDetector())
                    .uid(Operators.PORT_RCF_DETECTOR.uid()).name(Operators.PORT_RCF_DETECTOR.displayName());
            scores = scores == null ? rcf : scores.union(rcf);
        }
        scores = scores.transform(Operators.SCORE_DUE_TIME.displayName(), TypeInformation.of(AnomalyScore.class),
                        new BucketDueTimeStamper(conf.get(JobOptions.PORT_ALLOWED_LATENESS).toMillis()))
                .uid(Operators.SCORE_DUE_TIME.uid());
        if (sinks.anomalies() != null) {
            scores.sinkTo(sinks.anomalies())
                    .uid(Operators.ANOMALIES_SINK.uid()).name(Operators.ANOMALIES_SINK.displayName());
        }

        // CEP escalation: WARNING, CRITICAL after N in a row, CLEARED after M normal buckets
        DataStream<Alert> alerts = AlertEscalation.alerts(scores, new EscalationParams(
                conf.get(JobOptions.ALERTS_ESCALATE_AFTER), conf.get(JobOptions.ALERTS_CLEAR_AFTER), bucket,
                conf.get(JobOptions.PORT_STATE_TTL).multipliedBy(3)));
        if (sinks.alerts() != null) {
            alerts.sinkTo(sinks.alerts())
                    .uid(Operators.ALERTS_SINK.uid()).name(Operators.ALERTS_SINK.displayName());
        }
        return points;
    }

    /** Which detector scores a key: the most specific override, else the default. */
    static final class DetectorChoice implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static final java.util.Set<String> KNOWN = java.util.Set.of("holt-winters", "stl", "random-cut-forest");
        private final String defaultDetector;
        private final java.util.Map<String, String> overrides;

        DetectorChoice(String defaultDetector, java.util.Map<String, String> overrides) {
            this.defaultDetector = check(defaultDetector);
            this.overrides = new java.util.HashMap<>();
            overrides.forEach((k, v) -> this.overrides.put(k, check(v)));
        }

        private static String check(String d) {
            if (!KNOWN.contains(d)) {
                throw new IllegalArgumentException("unknown detector '" + d + "', known: " + KNOWN);
            }
            return d;
        }

        boolean uses(String d) {
            return defaultDetector.equals(d) || overrides.containsValue(d);
        }

        String detectorFor(PortPoint p) {
            String dir = p.getDirection().name();
            for (String k : new String[] {p.getDevice() + "|" + p.getPort() + "|" + dir, p.getDevice() + "|" + p.getPort() + "|*",
                    p.getDevice() + "|*|*"}) {
                String d = overrides.get(k);
                if (d != null) {
                    return d;
                }
            }
            return defaultDetector;
        }
    }
}
