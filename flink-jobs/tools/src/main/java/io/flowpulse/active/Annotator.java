package io.flowpulse.active;

import io.flowpulse.ml.active.BlacklistAnnotator;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.codec.ByteBuffers;

/** Who answers an annotation request: a rule, an oracle file, an analyst. */
public interface Annotator {
    /** The annotator's name on the Annotation records. */
    String name();

    /** The label of the requested flow, or null when this annotator cannot tell. */
    String label(AnnotationRequest request);

    /** ALF's DoH rule: positive when either endpoint is in the IP/CIDR blacklist. */
    static Annotator rules(BlacklistAnnotator rules, String positive, String negative) {
        return new Annotator() {
            @Override
            public String name() {
                return "blacklist";
            }

            @Override
            public String label(AnnotationRequest r) {
                return rules.matchesEither(ByteBuffers.copy(r.getKey().getSrcIp()), ByteBuffers.copy(r.getKey().getDstIp()))
                        ? positive : negative;
            }
        };
    }
}
