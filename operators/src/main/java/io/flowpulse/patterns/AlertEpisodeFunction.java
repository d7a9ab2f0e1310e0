package io.flowpulse.patterns;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.Direction;
import io.flowpulse.records.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the signals of the escalation CEP operators into one alert per episode. The signals of
 * the three operators arrive through a union in any order, so they are buffered and applied in
 * event-time order when the watermark passes them (event-time timer at each signal's time):
 * OPEN starts an episode (emits WARNING/OPEN) or counts one more anomalous bucket; ESCALATE emits
 * CRITICAL/ESCALATED once; CLEAR emits CLEARED and ends the episode. The alertId is
 * {@code key@firstBucketMillis}, so a replay produces the same ids. Alerts are emitted only on
 * these transitions. A key silent for the idle TTL is CLEARED and its state dropped.
 */
public class AlertEpisodeFunction extends KeyedProcessFunction<String, EscalationSignal, Alert> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<AlertEpisode> EPISODE =
            new ValueStateDescriptor<>("alert-episode", AlertEpisode.class);
    static final ListStateDescriptor<EscalationSignal> PENDING =
            new ListStateDescriptor<>("pending-escalation-signals", EscalationSignal.class);

    private static final Comparator<EscalationSignal> EVENT_ORDER = Comparator
            .comparingLong((EscalationSignal s) -> s.eventTimeMillis)
            .thenComparing(s -> s.kind);

    private final long idleTtlMillis;
    private transient ValueState<AlertEpisode> episode;
    private transient ListState<EscalationSignal> pending;

    public AlertEpisodeFunction(EscalationParams params) {
        this.idleTtlMillis = params.idleTtlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        episode = getRuntimeContext().getState(EPISODE);
        pending = getRuntimeContext().getListState(PENDING);
    }

    @Override
    public void processElement(EscalationSignal signal, Context ctx, Collector<Alert> out) throws Exception {
        signal.eventTimeMillis = ctx.timestamp() != null ? ctx.timestamp() : signal.lastBucketMillis;
        pending.add(signal);
        ctx.timerService().registerEventTimeTimer(signal.eventTimeMillis);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        List<EscalationSignal> ready = new ArrayList<>();
        List<EscalationSignal> later = new ArrayList<>();
        Iterable<EscalationSignal> buffered = pending.get();
        if (buffered != null) {
            for (EscalationSignal s : buffered) {
                (s.eventTimeMillis <= timestamp ? ready : later).add(s);
            }
        }
        if (!ready.isEmpty()) {
            if (later.isEmpty()) {
                pending.clear();
            } else {
                pending.update(later);
            }
        }
        ready.sort(EVENT_ORDER);
        AlertEpisode e = episode.value();
        for (EscalationSignal s : ready) {
            e = apply(e, s, ctx, out);
        }
        if (e != null && e.cleanupTimerMillis <= timestamp) {
            long deadline = e.lastSeenMillis + idleTtlMillis;
            if (deadline > timestamp) {
                e.cleanupTimerMillis = deadline;
                ctx.timerService().registerEventTimeTimer(deadline);
            } else {
                e.state = AlertState.CLEARED;
                out.collect(e.toAlert());
                e = null;
            }
        }
        if (e == null) {
            episode.clear();
        } else {
            episode.update(e);
        }
    }

    private AlertEpisode apply(AlertEpisode e, EscalationSignal s, OnTimerContext ctx, Collector<Alert> out) {
        switch (s.kind) {
            case OPEN -> {
                if (e == null) {
                    e = AlertEpisode.start(s);
                    e.cleanupTimerMillis = s.eventTimeMillis + idleTtlMillis;
                    ctx.timerService().registerEventTimeTimer(e.cleanupTimerMillis);
                    out.collect(e.toAlert());
                } else if (s.lastBucketMillis > e.lastBucketMillis) {
                    e.count += s.anomalousBuckets;
                    e.lastBucketMillis = s.lastBucketMillis;
                    e.peakScore = Math.max(e.peakScore, s.peakScore);
                }
                e.lastSeenMillis = Math.max(e.lastSeenMillis, s.eventTimeMillis);
            }
            case ESCALATE -> {
                if (e == null) {
                    // no OPEN before it (should not happen): start the episode at CRITICAL
                    e = AlertEpisode.start(s);
                    e.cleanupTimerMillis = s.eventTimeMillis + idleTtlMillis;
                    ctx.timerService().registerEventTimeTimer(e.cleanupTimerMillis);
                }
                e.peakScore = Math.max(e.peakScore, s.peakScore);
                e.lastSeenMillis = Math.max(e.lastSeenMillis, s.eventTimeMillis);
                if (e.severity != Severity.CRITICAL) {
                    e.severity = Severity.CRITICAL;
                    e.state = AlertState.ESCALATED;
                    out.collect(e.toAlert());
                }
            }
            case CLEAR -> {
                if (e != null && s.firstBucketMillis > e.lastBucketMillis) {
                    e.state = AlertState.CLEARED;
                    out.collect(e.toAlert());
                    ctx.timerService().deleteEventTimeTimer(e.cleanupTimerMillis);
                    e = null;
                }
            }
            default -> throw new IllegalStateException("unknown signal " + s.kind);
        }
        return e;
    }

    /** The open episode of one key. POJO. */
    public static class AlertEpisode {
        public String alertId;
        public String device;
        public String port;
        public Direction direction;
        public Severity severity;
        public AlertState state;
        public long firstBucketMillis;
        public long lastBucketMillis;
        public int count;
        public double peakScore;
        public String modelId;
        public long lastSeenMillis = Long.MIN_VALUE;
        public long cleanupTimerMillis = Long.MIN_VALUE;

        public AlertEpisode() {}

        static AlertEpisode start(EscalationSignal s) {
            AlertEpisode e = new AlertEpisode();
            e.alertId = s.key + '@' + s.firstBucketMillis;
            e.device = s.device;
            e.port = s.port;
            e.direction = s.direction;
            e.severity = s.kind == EscalationSignal.Kind.ESCALATE ? Severity.CRITICAL : Severity.WARNING;
            e.state = s.kind == EscalationSignal.Kind.ESCALATE ? AlertState.ESCALATED : AlertState.OPEN;
            e.firstBucketMillis = s.firstBucketMillis;
            e.lastBucketMillis = s.lastBucketMillis;
            e.count = s.anomalousBuckets;
            e.peakScore = s.peakScore;
            e.modelId = s.modelId;
            e.lastSeenMillis = s.eventTimeMillis;
            return e;
        }

        Alert toAlert() {
            return Alert.newBuilder()
                    .setAlertId(alertId)
                    .setDevice(device)
                    .setPort(port)
                    .setDirection(direction)
                    .setSeverity(severity)
                    .setState(state)
                    .setFirstBucketMillis(firstBucketMillis)
                    .setLastBucketMillis(lastBucketMillis)
                    .setCount(count)
                    .setPeakScore(peakScore)
                    .setModelId(modelId)
                    .build();
        }
    }
}
