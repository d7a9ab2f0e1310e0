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
import io.flowpulse.functions.PortAnomalyDetector;
import io.flowpulse.functions.PortPointKeySelector;
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
        if (sinks.portPoints() != null) {
            points.sinkTo(sinks.portPoints())
                    .uid(Operators.PORT_POINTS_SINK.uid()).name(Operators.PORT_POINTS_SINK.displayName());
        }

        // per-key detector: expected value and accepted band with every score
        Duration bucket = conf.get(JobOptions.PORT_BUCKET);
        String detector = conf.get(JobOptions.PORT_DETECTOR);
        SingleOutputStreamOperator<AnomalyScore> scores;
        if (detector.equals("holt-winters")) {
            scores = points.keyBy(new PortPointKeySelector())
                    .process(new PortAnomalyDetector(HoltWintersParams.forBucket(bucket.toMillis())))
                    .uid(Operators.PORT_DETECTOR.uid()).name(Operators.PORT_DETECTOR.displayName());
        } else if (detector.equals("stl")) {
            scores = points.keyBy(new PortPointKeySelector())
                    .process(new PortStlDetector(bucket))
                    .uid(Operators.PORT_STL_DETECTOR.uid()).name(Operators.PORT_STL_DETECTOR.displayName());
        } else {
            throw new IllegalArgumentException("unknown " + JobOptions.PORT_DETECTOR.key() + ": " + detector);
        }
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
}
