package io.flowpulse.jobs;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.PortSample;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;

/** Per-port series: resampling, detectors and alert escalation (wired as they land). */
final class PortPipeline {
    private PortPipeline() {}

    static void define(DataStream<PortSample> samples, FlowpulseSinks sinks, Configuration conf,
            List<DataStream<DeadLetter>> deadLetters) {
        // resampler, detectors and CEP escalation are added here
    }
}
