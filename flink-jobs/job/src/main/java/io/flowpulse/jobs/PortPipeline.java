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
import io.flowpulse.ml.detectors.DetectorKind;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.RobustBandParams;
import io.flowpulse.functions.PortDetectorFunction;
import io.flowpulse.functions.PortRobustBandDetector;
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
                .process(new PortSeriesResampler(params(conf), conf.get(JobOptions.PORT_NO_DATA_AFTER)))
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
        boolean scoreFilled = conf.get(JobOptions.PORT_SCORE_FILLED);
        DataStream<AnomalyScore> scores = null;
        for (DetectorKind kind : DetectorKind.values()) {
            if (!choice.uses(kind)) {
                continue;
            }
            Operators route = switch (kind) {
                case ROBUST_BAND -> Operators.PORT_DETECTOR_ROUTE_ROBUST_BAND;
                case HOLT_WINTERS -> Operators.PORT_DETECTOR_ROUTE_HW;
                case STL -> Operators.PORT_DETECTOR_ROUTE_STL;
                case RANDOM_CUT_FOREST -> Operators.PORT_DETECTOR_ROUTE_RCF;
            };
            Operators detector = switch (kind) {
                case ROBUST_BAND -> Operators.PORT_ROBUST_BAND_DETECTOR;
                case HOLT_WINTERS -> Operators.PORT_DETECTOR;
                case STL -> Operators.PORT_STL_DETECTOR;
                case RANDOM_CUT_FOREST -> Operators.PORT_RCF_DETECTOR;
            };
            DataStream<AnomalyScore> kindScores = points.filter(p -> choice.detectorFor(p) == kind)
                    .uid(route.uid()).name(route.displayName())
                    .keyBy(new PortPointKeySelector())
                    .process(detectorFunction(kind, bucket, scoreFilled))
                    .uid(detector.uid()).name(detector.displayName());
            scores = scores == null ? kindScores : scores.union(kindScores);
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
        // one no-data signal per silent port (modelId "no-data"), on the alerts topic next to the episodes
        alerts = alerts.union(points.getSideOutput(SideOutputs.NO_DATA));
        if (sinks.alerts() != null) {
            alerts.sinkTo(sinks.alerts())
                    .uid(Operators.ALERTS_SINK.uid()).name(Operators.ALERTS_SINK.displayName());
        }
        return points;
    }

    /** The operator of one detector kind (TTL, gap-filled buckets and scores: PortDetectorFunction). */
    static PortDetectorFunction detectorFunction(DetectorKind kind, Duration bucket, boolean scoreFilled) {
        Duration ttl = PortDetectorFunction.DEFAULT_IDLE_TTL;
        long version = PortDetectorFunction.DEFAULT_MODEL_VERSION;
        return switch (kind) {
            case ROBUST_BAND -> new PortRobustBandDetector(RobustBandParams.defaults(), bucket, ttl, version, scoreFilled);
            case HOLT_WINTERS -> new PortAnomalyDetector(HoltWintersParams.forBucket(bucket.toMillis()), version, ttl,
                    scoreFilled);
            case STL -> new PortStlDetector(bucket, PortStlDetector.DEFAULT_HISTORY_DAYS, PortStlDetector.DEFAULT_DELTA,
                    Duration.ofDays(1), ttl, version, scoreFilled);
            case RANDOM_CUT_FOREST -> new PortRcfDetector(ttl, version, scoreFilled);
        };
    }

    /** Which detector scores a key: the most specific override, else the default ({@link DetectorKind} names). */
    static final class DetectorChoice implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final DetectorKind defaultDetector;
        private final java.util.Map<String, DetectorKind> overrides;

        DetectorChoice(String defaultDetector, java.util.Map<String, String> overrides) {
            this.defaultDetector = DetectorKind.of(defaultDetector);
            this.overrides = new java.util.HashMap<>();
            overrides.forEach((k, v) -> this.overrides.put(k, DetectorKind.of(v)));
        }

        boolean uses(DetectorKind d) {
            return defaultDetector == d || overrides.containsValue(d);
        }

        DetectorKind detectorFor(PortPoint p) {
            String dir = p.getDirection().name();
            for (String k : new String[] {p.getDevice() + "|" + p.getPort() + "|" + dir, p.getDevice() + "|" + p.getPort() + "|*",
                    p.getDevice() + "|*|*"}) {
                DetectorKind d = overrides.get(k);
                if (d != null) {
                    return d;
                }
            }
            return defaultDetector;
        }
    }
}
