package io.flowpulse.patterns;

import io.flowpulse.records.AnomalyScore;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps the CEP operators small: forwards only the scores that can change an alert, i.e. every
 * anomalous bucket and the normal buckets that follow one, up to {@code clearAfter} of them. The
 * long normal stretches (almost all buckets) are dropped, so the event-time CEP operators buffer
 * and match a few events per episode instead of one per bucket. Keyed by
 * {@link AnomalyKeySelector}; expects each key's scores in time order (as a keyed upstream
 * operator emits them). State exists only inside an episode, with an idle-TTL timer.
 */
public class EscalationGate extends KeyedProcessFunction<String, AnomalyScore, AnomalyScore> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<GateState> GATE = new ValueStateDescriptor<>("escalation-gate", GateState.class);

    private final int clearAfter;
    private final long idleTtlMillis;
    private transient ValueState<GateState> gate;
    private transient Counter dropped;

    public EscalationGate(EscalationParams params) {
        this.clearAfter = params.clearAfter;
        this.idleTtlMillis = params.idleTtlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        gate = getRuntimeContext().getState(GATE);
        dropped = getRuntimeContext().getMetricGroup().counter("normalScoresDropped");
    }

    @Override
    public void processElement(AnomalyScore score, Context ctx, Collector<AnomalyScore> out) throws Exception {
        GateState s = gate.value();
        long time = ctx.timestamp() != null ? ctx.timestamp() : score.getBucketEndMillis();
        if (score.getAnomalous()) {
            if (s == null) {
                s = new GateState();
            }
            s.normalsSinceAnomaly = 0;
            s.lastSeenMillis = Math.max(s.lastSeenMillis, time);
            if (s.cleanupTimerMillis == Long.MIN_VALUE) {
                s.cleanupTimerMillis = time + idleTtlMillis;
                ctx.timerService().registerEventTimeTimer(s.cleanupTimerMillis);
            }
            gate.update(s);
            out.collect(score);
        } else if (s != null) {
            out.collect(score);
            s.normalsSinceAnomaly++;
            s.lastSeenMillis = Math.max(s.lastSeenMillis, time);
            if (s.normalsSinceAnomaly >= clearAfter) {
                ctx.timerService().deleteEventTimeTimer(s.cleanupTimerMillis);
                gate.clear();
            } else {
                gate.update(s);
            }
        } else {
            dropped.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        GateState s = gate.value();
        if (s == null) {
            return;
        }
        long deadline = s.lastSeenMillis + idleTtlMillis;
        if (deadline > timestamp) {
            s.cleanupTimerMillis = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
            gate.update(s);
        } else {
            gate.clear();
        }
    }

    /** Gate state of one key inside an episode. POJO. */
    public static class GateState {
        public int normalsSinceAnomaly;
        public long lastSeenMillis = Long.MIN_VALUE;
        public long cleanupTimerMillis = Long.MIN_VALUE;

        public GateState() {}
    }
}
