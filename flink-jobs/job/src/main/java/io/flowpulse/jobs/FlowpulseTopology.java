package io.flowpulse.jobs;

import io.flowpulse.config.JobOptions;
import io.flowpulse.config.Operators;
import io.flowpulse.functions.AvroDecodeFunction;
import io.flowpulse.functions.BroadcastStates;
import io.flowpulse.functions.EventTimeBounds;
import io.flowpulse.functions.FlowClassifierFunction;
import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.records.Classification;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.FlowRecordToFeatures;
import io.flowpulse.functions.PacketDecodeFunction;
import io.flowpulse.functions.RawEventTime;
import io.flowpulse.functions.RecordValidators;
import io.flowpulse.functions.SideOutputs;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The flowpulse streaming topology. Sources and sinks are parameters: {@link FlowpulseJob} passes
 * Kafka, tests pass bounded sources and collecting sinks.
 *
 * <pre>
 * packets ──decode──► watermarks ──keyBy(bidirectional 5-tuple)──► FlowFeatureAggregator ──► flows
 * flow-records ──decode──► FlowRecordToFeatures ─────────────────────────────────────────────► flows
 * flows ──connect(models broadcast)──► FlowClassifierFunction ──► classifications, model-events, unscored-flows
 *   query candidates ──dedup──► budget per window ──► annotation-requests
 * port-samples ──decode──► watermarks ──keyBy(device|port|dir)──► PortSeriesResampler ──► port-points
 *   every decode failure, invalid value and late record ─────────────────────────────► dead-letters
 * </pre>
 */
public final class FlowpulseTopology {
    private FlowpulseTopology() {}

    public static void defineWorkflow(StreamExecutionEnvironment env, FlowpulseSources sources,
            FlowpulseSinks sinks, Configuration conf) {
        // object reuse: no deep copy of each record on every chained hop (e.g. of each emitted
        // FlowFeatures into the chained sinks). Safe because no
        // operator of this topology changes a record it received or emitted: each emits new records
        // (or passes its input on unchanged), so those that keep their input (the classifier's
        // buffer, windows, CEP and heap state) keep records nobody changes afterwards.
        env.getConfig().enableObjectReuse();
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        int maxBytes = conf.get(JobOptions.MAX_RECORD_BYTES);
        Duration outOfOrderness = conf.get(JobOptions.OUT_OF_ORDERNESS);
        Duration idleness = conf.get(JobOptions.IDLENESS);
        EventTimeBounds bounds = EventTimeBounds.of(conf.get(JobOptions.MAX_EVENT_TIME_AHEAD),
                conf.getOptional(JobOptions.MAX_EVENT_TIME_AGE).orElse(null));

        List<DataStream<FlowFeatures>> flows = new ArrayList<>();

        // ---- packets -> flows ----
        if (sources.packets() != null) {
            FlowAggregatorParams params = flowAggregatorParams(conf);
            // the packets' header bytes are decoded (and cross the keyBy edge) only when the first-bytes input is on
            boolean keepHeaderBytes = params.firstBytesPackets > 0;
            // watermarks per Kafka partition, in the source, from the undecoded records' event time;
            // PacketEvent or PacketBatch records decoded straight into FlowPackets (no Avro object per packet)
            SingleOutputStreamOperator<FlowPacket> flowPackets = env
                    .fromSource(sources.packets(), eventTime(RawEventTime.packets(bounds), outOfOrderness, idleness),
                            Operators.PACKETS_SOURCE.displayName())
                    .uid(Operators.PACKETS_SOURCE.uid())
                    .process(new PacketDecodeFunction(bounds, maxBytes, keepHeaderBytes)).returns(FlowPacket.TYPE)
                    .uid(Operators.PACKETS_DECODE.uid()).name(Operators.PACKETS_DECODE.displayName());
            deadLetters.add(flowPackets.getSideOutput(SideOutputs.DEAD_LETTERS));
            SingleOutputStreamOperator<FlowFeatures> packetFlows = FlowFeatureAggregator
                    .apply(flowPackets, params, conf.get(JobOptions.FLOW_MINI_BATCH_FLOWS))
                    .uid(Operators.FLOW_AGGREGATOR.uid()).name(Operators.FLOW_AGGREGATOR.displayName());
            flows.add(packetFlows);
            deadLetters.add(packetFlows.getSideOutput(SideOutputs.LATE_PACKETS)
                    .map(p -> late(Codecs.PACKET_EVENT, p.toPacketEvent(), "late-packet: behind the flow watermark"))
                    .uid(Operators.LATE_PACKETS_TO_DEAD_LETTERS.uid())
                    .name(Operators.LATE_PACKETS_TO_DEAD_LETTERS.displayName()));
        }

        // ---- exporter flow records -> flows ----
        if (sources.flowRecords() != null) {
            // event time (flow end) and idleness here too: the flows union feeds event-time
            // consumers, and a source without watermarks would hold the union's watermark back
            SingleOutputStreamOperator<FlowRecord> records = decode(env, sources.flowRecords(),
                    eventTime(RawEventTime.flowRecords(bounds), outOfOrderness, idleness),
                    sources.flowRecords() instanceof io.flowpulse.sources.netflow.NetFlowUdpSource
                            ? Operators.FLOW_RECORDS_UDP_SOURCE : Operators.FLOW_RECORDS_SOURCE,
                    Operators.FLOW_RECORDS_DECODE, Codecs.FLOW_RECORD,
                    RecordValidators.withEventTime(RecordValidators::flowRecord, r -> r.getEndMicros() / 1000, bounds),
                    maxBytes, deadLetters);
            flows.add(records.map(new FlowRecordToFeatures())
                    .uid(Operators.FLOW_RECORDS_TO_FEATURES.uid())
                    .name(Operators.FLOW_RECORDS_TO_FEATURES.displayName()));
        }

        if (!flows.isEmpty() && sinks.flows() != null) {
            union(flows).sinkTo(sinks.flows())
                    .uid(Operators.FLOWS_SINK.uid()).name(Operators.FLOWS_SINK.displayName());
        }

        // ---- models (broadcast) -> flow classifier ----
        if (!flows.isEmpty() && sources.models() != null) {
            SingleOutputStreamOperator<ModelUpdate> models = decode(env, sources.models(), modelsNeverHoldEventTime(idleness),
                    Operators.MODELS_SOURCE, Operators.MODELS_DECODE, Codecs.MODEL_UPDATE, null, maxBytes * 64, deadLetters);
            FlowClassifierFunction classifier = new FlowClassifierFunction(
                    new ModelUpdateValidator(JobOptions.modelSigningKey(conf), classifierFeatures(conf.get(JobOptions.MODELS_EXPORTER_FEATURES),
                            conf.get(JobOptions.FLOW_FIRST_PACKETS), conf.get(JobOptions.FLOW_FIRST_BYTES_PACKETS),
                            conf.get(JobOptions.FLOW_FIRST_BYTES_LENGTH))),
                    conf.get(JobOptions.MODELS_BUFFER_CAPACITY),
                    conf.get(JobOptions.ACTIVE_STRATEGY).equals("none") ? null
                            : io.flowpulse.ml.active.QueryStrategy.of(conf.get(JobOptions.ACTIVE_STRATEGY)),
                    conf.get(JobOptions.ACTIVE_THRESHOLD), conf.get(JobOptions.CLASSIFIER_REASONS))
                    .withBatchSize(conf.get(JobOptions.MODELS_BATCH_SIZE));
            // the broadcast operator of connect(models).process(classifier), plus flushing of partial
            // batches (sequence CNNs) on time, before checkpoint barriers and at end of input
            SingleOutputStreamOperator<Classification> classified = io.flowpulse.functions.BatchedClassifierOperator
                    .classify(union(flows), models.broadcast(BroadcastStates.MODELS), classifier,
                            conf.get(JobOptions.MODELS_BATCH_MAX_DELAY).toMillis(), Operators.FLOW_CLASSIFIER.displayName())
                    .uid(Operators.FLOW_CLASSIFIER.uid()).name(Operators.FLOW_CLASSIFIER.displayName());
            if (sinks.classifications() != null) {
                classified.sinkTo(sinks.classifications())
                        .uid(Operators.CLASSIFICATIONS_SINK.uid()).name(Operators.CLASSIFICATIONS_SINK.displayName());
            }
            if (sinks.modelEvents() != null) {
                classified.getSideOutput(SideOutputs.MODEL_EVENTS).sinkTo(sinks.modelEvents())
                        .uid(Operators.MODEL_EVENTS_SINK.uid()).name(Operators.MODEL_EVENTS_SINK.displayName());
            }
            if (sinks.annotationRequests() != null && !conf.get(JobOptions.ACTIVE_STRATEGY).equals("none")) {
                // active learning: once per flow, then at most the budget per event-time window
                SingleOutputStreamOperator<io.flowpulse.records.AnnotationRequest> budgeted = classified.getSideOutput(SideOutputs.QUERY_CANDIDATES)
                        // the flow's own event time: flows that waited for the first model leave the classifier
                        // with the model record's timestamp, and the window would drop them as late. Assigned
                        // per classifier subtask, before the keyBy (issue 18): after it, each dedup subtask mixed
                        // the candidates of classifier subtasks at different event times into one watermark, and
                        // the slower subtask's candidates were late (hundreds of 9,600 in the bench)
                        .assignTimestampsAndWatermarks(WatermarkStrategy
                                .<io.flowpulse.records.AnnotationRequest>forBoundedOutOfOrderness(outOfOrderness)
                                .withTimestampAssigner((r, previous) -> r.getRequestedMillis())
                                .withIdleness(idleness))
                        .uid(Operators.ANNOTATION_EVENT_TIME.uid()).name(Operators.ANNOTATION_EVENT_TIME.displayName())
                        .keyBy(r -> r.getRequestId())
                        .process(new io.flowpulse.functions.AnnotationDedupFunction(conf.get(JobOptions.ACTIVE_WINDOW).multipliedBy(12)))
                        .uid(Operators.ANNOTATION_DEDUP.uid()).name(Operators.ANNOTATION_DEDUP.displayName())
                        .windowAll(new io.flowpulse.functions.FlowEventTimeWindows(conf.get(JobOptions.ACTIVE_WINDOW)))
                        .sideOutputLateData(SideOutputs.LATE_ANNOTATION_REQUESTS)
                        .process(new io.flowpulse.functions.AnnotationBudgetFunction(
                                conf.get(JobOptions.ACTIVE_BUDGET), conf.get(JobOptions.ACTIVE_PER_CLASS_CAP)))
                        .uid(Operators.ANNOTATION_BUDGET.uid()).name(Operators.ANNOTATION_BUDGET.displayName());
                budgeted.sinkTo(sinks.annotationRequests())
                        .uid(Operators.ANNOTATION_REQUESTS_SINK.uid()).name(Operators.ANNOTATION_REQUESTS_SINK.displayName());
                // candidates behind the window's watermark were dropped silently: counted dead letters instead
                deadLetters.add(budgeted.getSideOutput(SideOutputs.LATE_ANNOTATION_REQUESTS)
                        .map(r -> late(Codecs.ANNOTATION_REQUEST, r, "late-annotation-request: its budget window had fired"))
                        .uid(Operators.LATE_ANNOTATION_REQUESTS_TO_DEAD_LETTERS.uid())
                        .name(Operators.LATE_ANNOTATION_REQUESTS_TO_DEAD_LETTERS.displayName()));
            }
            if (sinks.unscoredFlows() != null) {
                classified.getSideOutput(SideOutputs.UNSCORED_FLOWS).sinkTo(sinks.unscoredFlows())
                        .uid(Operators.UNSCORED_FLOWS_SINK.uid()).name(Operators.UNSCORED_FLOWS_SINK.displayName());
            }
        }

        // ---- port samples -> port points ----
        if (sources.portSamples() != null) {
            SingleOutputStreamOperator<PortSample> samples = decode(env, sources.portSamples(),
                    eventTime(RawEventTime.portSamples(bounds), outOfOrderness, idleness),
                    Operators.PORT_SAMPLES_SOURCE, Operators.PORT_SAMPLES_DECODE, Codecs.PORT_SAMPLE,
                    RecordValidators.withEventTime(RecordValidators::portSample, s -> s.getTimestampMillis(), bounds),
                    maxBytes, deadLetters);
            PortPipeline.define(samples, sinks, conf, deadLetters);
        }

        if (!deadLetters.isEmpty() && sinks.deadLetters() != null) {
            union(deadLetters).sinkTo(sinks.deadLetters())
                    .uid(Operators.DEAD_LETTERS_SINK.uid()).name(Operators.DEAD_LETTERS_SINK.displayName());
        }
    }

    private static <T extends SpecificRecordBase> SingleOutputStreamOperator<T> decode(
            StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, WatermarkStrategy<RawRecord> watermarks, Operators sourceOp,
            Operators decodeOp, AvroCodec<T> codec, AvroDecodeFunction.Validator<T> validator,
            int maxBytes, List<DataStream<DeadLetter>> deadLetters) {
        SingleOutputStreamOperator<T> decoded = env
                .fromSource(source, watermarks, sourceOp.displayName())
                .uid(sourceOp.uid())
                .process(new AvroDecodeFunction<>(codec, validator, maxBytes))
                .returns(codec.type())
                .uid(decodeOp.uid()).name(decodeOp.displayName());
        deadLetters.add(decoded.getSideOutput(SideOutputs.DEAD_LETTERS));
        return decoded;
    }

    static WatermarkStrategy<RawRecord> eventTime(
            org.apache.flink.api.common.eventtime.SerializableTimestampAssigner<RawRecord> assigner,
            Duration outOfOrderness, Duration idleness) {
        return WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner(assigner)
                .withIdleness(idleness);
    }

    /**
     * Feature names a classifier model may ask for: every flow feature of the packet path and the
     * DoH features of exporter flows with per-packet arrays. A model naming anything else is
     * rejected as having the wrong feature schema.
     */
    /**
     * The models topic has no event time, and an input without watermarks would hold the
     * classifier's output watermark (the minimum of its inputs) at its minimum forever: the
     * labelling budget windows behind it would never fire in an unbounded job. The broadcast side
     * goes idle when no update arrived for the idleness timeout and leaves event time to the flows.
     * (Not the maximum watermark: once the flows end, buffered flows released by a late first
     * model would all be late.)
     */
    static WatermarkStrategy<RawRecord> modelsNeverHoldEventTime(Duration idleness) {
        return WatermarkStrategy.<RawRecord>noWatermarks().withIdleness(idleness);
    }

    /** What the flows carry: the computed features plus those the exporters supply themselves. */
    static java.util.Set<String> classifierFeatures(List<String> exporterFeatures) {
        java.util.Set<String> names = classifierFeatures();
        names.addAll(exporterFeatures);
        return names;
    }

    /** As above, plus the packet-sequence names (size_i, iat_ms_i) of the first {@code firstPackets} packets. */
    static java.util.Set<String> classifierFeatures(List<String> exporterFeatures, int firstPackets) {
        return classifierFeatures(exporterFeatures, firstPackets, 0, 0);
    }

    /** As above, plus the first-bytes names byte_p_j the flow operator fills (flows.first-bytes.*). */
    static java.util.Set<String> classifierFeatures(List<String> exporterFeatures, int firstPackets, int bytePackets,
            int byteLength) {
        java.util.Set<String> names = classifierFeatures(exporterFeatures);
        names.addAll(io.flowpulse.ml.sequence.PacketSequence.featureNames(firstPackets, bytePackets, byteLength));
        return names;
    }

    public static java.util.Set<String> classifierFeatures() {
        java.util.Set<String> names = new java.util.HashSet<>(io.flowpulse.ml.features.FlowFeatureNames.ALL);
        names.addAll(io.flowpulse.ml.features.DohFeatures.NAMES);
        names.add("flow_bytes_per_s");
        names.add("flow_packets_per_s");
        return names;
    }

    static <T extends SpecificRecordBase> DeadLetter late(AvroCodec<T> codec, T record, String reason) {
        return DeadLetter.newBuilder()
                .setTopic("late")
                .setPartition(-1)
                .setOffset(-1)
                .setRaw(ByteBuffer.wrap(codec.encode(record)))
                .setReason(reason)
                .setFailedMillis(System.currentTimeMillis())
                .build();
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        if (streams.size() == 1) {
            return first;
        }
        @SuppressWarnings("unchecked")
        DataStream<T>[] rest = streams.subList(1, streams.size()).toArray(new DataStream[0]);
        return first.union(rest);
    }

    /** The flow operator's parameters from the job options ({@code flows.*}). */
    public static FlowAggregatorParams flowAggregatorParams(Configuration conf) {
        return new FlowAggregatorParams(
                conf.get(JobOptions.FLOW_IDLE_TIMEOUT).toNanos() / 1000,
                conf.get(JobOptions.FLOW_ACTIVE_TIMEOUT).toNanos() / 1000,
                conf.get(JobOptions.FLOW_ACTIVITY_TIMEOUT).toNanos() / 1000,
                conf.get(JobOptions.FLOW_FIRST_PACKETS))
                .withFirstBytes(conf.get(JobOptions.FLOW_FIRST_BYTES_PACKETS), conf.get(JobOptions.FLOW_FIRST_BYTES_LENGTH));
    }
}
