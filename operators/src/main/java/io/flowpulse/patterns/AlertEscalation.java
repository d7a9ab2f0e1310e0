package io.flowpulse.patterns;

import io.flowpulse.functions.AnomalyKeySelector;
import io.flowpulse.functions.PortPointKeySelector;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.util.Collector;

/**
 * Alert escalation for the topology: anomaly scores in, one updated {@link Alert} per episode
 * out (WARNING/OPEN, CRITICAL/ESCALATED, CLEARED). Event time: the scores' record timestamps must
 * be their bucket times and each key's scores must arrive in order (as a keyed detector emits
 * them). Operators and their fixed uids:
 * <ol>
 *   <li>{@value #UID_GATE}: {@link EscalationGate}, drops normal scores outside episodes</li>
 *   <li>{@value #UID_CEP_PREFIX}{@code open|escalate|clear}: one CEP operator per
 *       {@link EscalationPattern} on the gated stream (same keys, no reshuffle)</li>
 *   <li>{@value #UID_EPISODES}: {@link AlertEpisodeFunction}, orders the signals by event time and
 *       keeps one alert per episode</li>
 * </ol>
 */
public final class AlertEscalation {
    public static final String UID_GATE = "alert-escalation-gate";
    public static final String UID_CEP_PREFIX = "alert-escalation-cep-";
    public static final String UID_EPISODES = "alert-escalation-episodes";

    private AlertEscalation() {}

    public static DataStream<Alert> alerts(DataStream<AnomalyScore> scores, EscalationParams params) {
        return alerts(scores, params, EscalationPatterns.all(params));
    }

    public static DataStream<Alert> alerts(DataStream<AnomalyScore> scores, EscalationParams params,
            List<EscalationPattern> patterns) {
        AnomalyKeySelector keys = new AnomalyKeySelector();
        DataStream<AnomalyScore> gated = scores.keyBy(keys)
                .process(new EscalationGate(params))
                .uid(UID_GATE).name("escalation-gate");
        KeyedStream<AnomalyScore, String> gatedByKey =
                DataStreamUtils.reinterpretAsKeyedStream(gated, keys, Types.STRING);
        List<DataStream<EscalationSignal>> signals = new ArrayList<>();
        for (EscalationPattern p : patterns) {
            signals.add(CEP.pattern(gatedByKey, p.pattern())
                    .inEventTime()
                    .process(new SignalFromMatch(p.kind(), p.stage()), TypeInformation.of(EscalationSignal.class))
                    .uid(UID_CEP_PREFIX + p.name()).name("escalation-cep-" + p.name()));
        }
        DataStream<EscalationSignal> all = signals.get(0);
        if (signals.size() > 1) {
            @SuppressWarnings("unchecked")
            DataStream<EscalationSignal>[] rest = signals.subList(1, signals.size()).toArray(new DataStream[0]);
            all = all.union(rest);
        }
        return all.keyBy(new SignalKeySelector())
                .process(new AlertEpisodeFunction(params))
                .uid(UID_EPISODES).name("alert-episodes");
    }

    /** Key of a signal: its port series key. */
    public static final class SignalKeySelector implements KeySelector<EscalationSignal, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(EscalationSignal s) {
            return s.key;
        }
    }

    /** Builds the signal of a match from the events of its stage. */
    public static final class SignalFromMatch extends PatternProcessFunction<AnomalyScore, EscalationSignal> {
        private static final long serialVersionUID = 1L;
        private final EscalationSignal.Kind kind;
        private final String stage;

        public SignalFromMatch(EscalationSignal.Kind kind, String stage) {
            this.kind = kind;
            this.stage = stage;
        }

        @Override
        public void processMatch(Map<String, List<AnomalyScore>> match, Context ctx, Collector<EscalationSignal> out) {
            List<AnomalyScore> events = match.get(stage);
            if (events == null || events.isEmpty()) {
                return;
            }
            out.collect(signal(kind, events));
        }
    }

    static EscalationSignal signal(EscalationSignal.Kind kind, List<AnomalyScore> events) {
        AnomalyScore first = events.get(0);
        AnomalyScore last = events.get(events.size() - 1);
        EscalationSignal s = new EscalationSignal();
        s.kind = kind;
        s.device = first.getDevice().toString();
        s.port = first.getPort().toString();
        s.direction = first.getDirection();
        s.key = PortPointKeySelector.portKey(s.device, s.port, s.direction);
        s.firstBucketMillis = first.getBucketEndMillis();
        s.lastBucketMillis = last.getBucketEndMillis();
        s.peakScore = 0;
        for (AnomalyScore e : events) {
            if (e.getAnomalous()) {
                s.anomalousBuckets++;
                s.peakScore = Math.max(s.peakScore, e.getScore());
            }
        }
        s.modelId = first.getModelId() == null ? null : first.getModelId().toString();
        return s;
    }
}
