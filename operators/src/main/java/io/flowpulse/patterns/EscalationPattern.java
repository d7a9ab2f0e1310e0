package io.flowpulse.patterns;

import io.flowpulse.records.AnomalyScore;
import java.io.Serializable;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;

/**
 * One escalation rule as a CEP pattern over the gated anomaly scores of one port series. A match
 * becomes an {@link EscalationSignal} of {@link #kind()} built from the events of stage
 * {@link #stage()}.
 */
public interface EscalationPattern extends Serializable {
    /** Short stable name, part of the CEP operator's uid. */
    String name();

    EscalationSignal.Kind kind();

    /** The stage whose events make up the match. */
    String stage();

    /** The pattern; it begins with {@link #skip()}. */
    Pattern<AnomalyScore, ?> pattern();

    /** What the NFA does after a match. */
    AfterMatchSkipStrategy skip();
}
