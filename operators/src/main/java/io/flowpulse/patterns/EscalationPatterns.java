package io.flowpulse.patterns;

import io.flowpulse.records.AnomalyScore;
import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/** The three escalation rules: open on one anomalous bucket, escalate on a run, clear on a calm run. */
public final class EscalationPatterns {
    private EscalationPatterns() {}

    public static List<EscalationPattern> all(EscalationParams p) {
        return List.of(new Open(), new Escalate(p.escalateAfter, p.bucketMillis),
                new Clear(p.clearAfter, p.bucketMillis));
    }

    /** Any anomalous bucket; single-event matches cannot overlap, so no skipping is needed. */
    public static final class Open implements EscalationPattern {
        private static final long serialVersionUID = 1L;

        @Override
        public String name() {
            return "open";
        }

        @Override
        public EscalationSignal.Kind kind() {
            return EscalationSignal.Kind.OPEN;
        }

        @Override
        public String stage() {
            return "anomalous";
        }

        @Override
        public AfterMatchSkipStrategy skip() {
            return AfterMatchSkipStrategy.noSkip();
        }

        @Override
        public Pattern<AnomalyScore, ?> pattern() {
            return Pattern.<AnomalyScore>begin(stage(), skip()).where(SimpleCondition.of(AnomalyScore::getAnomalous));
        }
    }

    /**
     * {@code n} strictly consecutive anomalous buckets within {@code n} bucket lengths. Skip past
     * the last event: a run of 2n buckets gives two matches, never n overlapping ones.
     */
    public static final class Escalate implements EscalationPattern {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final long bucketMillis;

        public Escalate(int n, long bucketMillis) {
            this.n = n;
            this.bucketMillis = bucketMillis;
        }

        @Override
        public String name() {
            return "escalate";
        }

        @Override
        public EscalationSignal.Kind kind() {
            return EscalationSignal.Kind.ESCALATE;
        }

        @Override
        public String stage() {
            return "anomalous-run";
        }

        @Override
        public AfterMatchSkipStrategy skip() {
            return AfterMatchSkipStrategy.skipPastLastEvent();
        }

        @Override
        public Pattern<AnomalyScore, ?> pattern() {
            return Pattern.<AnomalyScore>begin(stage(), skip())
                    .where(SimpleCondition.of(AnomalyScore::getAnomalous))
                    .times(n).consecutive()
                    .within(Duration.ofMillis(n * bucketMillis));
        }
    }

    /** {@code n} strictly consecutive normal buckets within {@code n} bucket lengths. */
    public static final class Clear implements EscalationPattern {
        private static final long serialVersionUID = 1L;
        private final int n;
        private final long bucketMillis;

        public Clear(int n, long bucketMillis) {
            this.n = n;
            this.bucketMillis = bucketMillis;
        }

        @Override
        public String name() {
            return "clear";
        }

        @Override
        public EscalationSignal.Kind kind() {
            return EscalationSignal.Kind.CLEAR;
        }

        @Override
        public String stage() {
            return "normal-run";
        }

        @Override
        public AfterMatchSkipStrategy skip() {
            return AfterMatchSkipStrategy.skipPastLastEvent();
        }

        @Override
        public Pattern<AnomalyScore, ?> pattern() {
            Pattern<AnomalyScore, AnomalyScore> p = Pattern.<AnomalyScore>begin(stage(), skip())
                    .where(SimpleCondition.of(s -> !s.getAnomalous()));
            if (n > 1) {
                p = p.times(n).consecutive();
            }
            return p.within(Duration.ofMillis(n * bucketMillis));
        }
    }
}
