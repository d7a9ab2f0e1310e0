package io.flowpulse.jobs;

import io.flowpulse.config.JobOptions;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.sinks.KafkaSinks;
import io.flowpulse.records.RawRecord;
import io.flowpulse.sources.KafkaSources;
import io.flowpulse.sources.netflow.ExportListenAddress;
import io.flowpulse.sources.netflow.NetFlowUdpSource;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming job: Kafka in, Kafka out. {@code main} parses options, builds sources and sinks
 * and calls {@link FlowpulseTopology#defineWorkflow}.
 */
public final class FlowpulseJob {
    private FlowpulseJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = JobOptions.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        build(env, conf);
        env.execute("flowpulse");
    }

    /** Wires the Kafka sources and sinks into the topology; returns nothing, executes nothing. */
    public static void build(StreamExecutionEnvironment env, Configuration conf) {
        if (KafkaSinks.exactlyOnce(conf)) {
            KafkaSinks.checkTransactionTimeout(conf);
        }
        FlowpulseTopology.defineWorkflow(env, kafkaSources(conf), kafkaSinks(conf), conf);
    }

    public static JobClient start(StreamExecutionEnvironment env, Configuration conf) throws Exception {
        build(env, conf);
        return env.executeAsync("flowpulse");
    }

    public static FlowpulseSources kafkaSources(Configuration conf) {
        return new FlowpulseSources(
                KafkaSources.raw(conf, JobOptions.TOPIC_PACKETS),
                flowRecordsSource(conf),
                KafkaSources.raw(conf, JobOptions.TOPIC_PORT_SAMPLES),
                KafkaSources.raw(conf, JobOptions.TOPIC_MODELS));
    }

    /** The flow-records topic, or the job's own UDP collector when {@code flow-records.source} is {@code udp://...}. */
    static Source<RawRecord, ?, ?> flowRecordsSource(Configuration conf) {
        String source = conf.get(JobOptions.FLOW_RECORDS_SOURCE);
        if (source.equals("kafka")) {
            return KafkaSources.raw(conf, JobOptions.TOPIC_FLOW_RECORDS);
        }
        return new NetFlowUdpSource(ExportListenAddress.parse(source), conf.get(JobOptions.NETFLOW_TEMPLATE_LIFETIME));
    }

    public static FlowpulseSinks kafkaSinks(Configuration conf) {
        return new FlowpulseSinks(
                KafkaSinks.avro(conf, JobOptions.TOPIC_FLOWS, Codecs.FLOW_FEATURES, f -> FlowKeySelector.canonicalKey(f.getKey())),
                KafkaSinks.avro(conf, JobOptions.TOPIC_PORT_POINTS, Codecs.PORT_POINT,
                        p -> p.getDevice() + "|" + p.getPort() + "|" + p.getDirection()),
                KafkaSinks.avro(conf, JobOptions.TOPIC_ANOMALIES, Codecs.ANOMALY_SCORE,
                        a -> a.getDevice() + "|" + a.getPort() + "|" + a.getDirection()),
                KafkaSinks.avro(conf, JobOptions.TOPIC_ALERTS, Codecs.ALERT, a -> a.getAlertId()),
                KafkaSinks.avro(conf, JobOptions.TOPIC_DEAD_LETTERS, Codecs.DEAD_LETTER, d -> d.getTopic()),
                KafkaSinks.avro(conf, JobOptions.TOPIC_CLASSIFICATIONS, Codecs.CLASSIFICATION, c -> FlowKeySelector.canonicalKey(c.getKey())),
                KafkaSinks.avro(conf, JobOptions.TOPIC_MODEL_EVENTS, Codecs.MODEL_EVENT, e -> e.getModelId()),
                KafkaSinks.avro(conf, JobOptions.TOPIC_UNSCORED_FLOWS, Codecs.FLOW_FEATURES, f -> FlowKeySelector.canonicalKey(f.getKey())),
                KafkaSinks.avro(conf, JobOptions.TOPIC_ANNOTATION_REQUESTS, Codecs.ANNOTATION_REQUEST, r -> r.getRequestId()));
    }
}
