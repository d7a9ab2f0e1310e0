package io.flowpulse.functions;

import io.flowpulse.records.AnnotationRequest;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by request id (flow key + start): a flow is offered for labelling at most once. Each
 * candidate is forwarded as the best so far; the marker expires with a TTL so state stays bounded.
 */
public class AnnotationDedupFunction extends KeyedProcessFunction<String, AnnotationRequest, AnnotationRequest> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<Boolean> SEEN = new ValueStateDescriptor<>("annotation-seen", Boolean.class);

    private final java.time.Duration ttl;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    public AnnotationDedupFunction(java.time.Duration ttl) {
        this.ttl = ttl;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>(SEEN.getName(), Boolean.class);
        d.enableTimeToLive(StateTtlConfig.newBuilder(ttl).build());
        seen = getRuntimeContext().getState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateQueries");
    }

    @Override
    public void processElement(AnnotationRequest r, Context ctx, Collector<AnnotationRequest> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(r);
    }
}
