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
        return points;
    }
}
