package io.flowpulse.functions;

import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelUpdate;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.api.transformations.TwoInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * The broadcast operator of {@link FlowClassifierFunction} (what {@code connect(broadcast).process()}
 * builds) plus what a batching function cannot do itself: flush the pending batch every
 * {@code maxDelayMillis} of processing time, before every checkpoint barrier (so a checkpoint never
 * holds a flow that was not scored yet) and at end of input. State, uids and side outputs are the
 * function's, unchanged.
 */
public final class BatchedClassifierOperator extends CoBroadcastWithNonKeyedOperator<FlowFeatures, ModelUpdate, Classification>
        implements ProcessingTimeService.ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final long maxDelayMillis;
    private transient TimestampedCollector<Classification> flushCollector;
    private transient org.apache.flink.util.Collector<Classification> atFlowEnd;

    public BatchedClassifierOperator(FlowClassifierFunction function, long maxDelayMillis) {
        super(function, List.of(BroadcastStates.MODELS));
        this.maxDelayMillis = maxDelayMillis;
    }

    /**
     * {@code flows.connect(models).process(function)} with this operator: the classifier stream,
     * whose side outputs are the function's.
     */
    public static SingleOutputStreamOperator<Classification> classify(DataStream<FlowFeatures> flows,
            BroadcastStream<ModelUpdate> models, FlowClassifierFunction function, long maxDelayMillis, String name) {
        TwoInputTransformation<FlowFeatures, ModelUpdate, Classification> t = new TwoInputTransformation<>(
                flows.getTransformation(), models.getTransformation(), name,
                new BatchedClassifierOperator(flows.getExecutionEnvironment().clean(function), maxDelayMillis),
                TypeInformation.of(Classification.class), flows.getExecutionEnvironment().getParallelism(), false);
        flows.getExecutionEnvironment().addOperator(t);
        return new SingleOutputStreamOperator<Classification>(flows.getExecutionEnvironment(), t) {};
    }

    @Override
    public void open() throws Exception {
        super.open();
        flushCollector = new TimestampedCollector<>(output);
        // a flush on time or at a barrier has no input element: each output carries its flow's end
        atFlowEnd = new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(Classification c) {
                flushCollector.setAbsoluteTimestamp(c.getFlowEndMicros() / 1000);
                flushCollector.collect(c);
            }

            @Override
            public void close() {}
        };
        if (maxDelayMillis > 0 && function().batchSize() > 1) {
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(time.getCurrentProcessingTime() + maxDelayMillis, this);
        }
    }

    @Override
    public void onProcessingTime(long timestamp) throws Exception {
        flush();
        ProcessingTimeService time = getProcessingTimeService();
        time.registerTimer(time.getCurrentProcessingTime() + maxDelayMillis, this);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private FlowClassifierFunction function() {
        return (FlowClassifierFunction) getUserFunction();
    }

    private void flush() {
        FlowClassifierFunction function = function();
        if (function.pendingFlows() == 0) {
            return;
        }
        function.flushPending(atFlowEnd);
        for (AnnotationRequest q : function.takePendingQueries()) {
            output.collect(SideOutputs.QUERY_CANDIDATES, new StreamRecord<>(q, q.getRequestedMillis()));
        }
    }
}
