package io.flowpulse.cli;

import io.flowpulse.active.AnnotationResponder;
import io.flowpulse.active.Annotator;
import io.flowpulse.active.OracleLabels;
import io.flowpulse.ml.active.BlacklistAnnotator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse annotate (--rules FILE | --oracle FILE --oracle-column C) --bootstrap-servers H:P}:
 * answers the annotation requests on {@code annotation-requests} with labels on {@code labels},
 * either by ALF's blacklist rule (a flow touching a listed IP/CIDR is positive) or, for
 * experiments, from a labelled flow file (the oracle: the label column of the row with the same
 * flow key and start). Reads the requests present now; {@code --follow} keeps answering new ones
 * until stopped.
 */
@Command(name = "annotate",
        description = "answer annotation-requests with labels: IP/CIDR blacklist rule (ALF's DoH annotator) or an oracle file")
public final class AnnotateCommand implements Callable<Integer> {
    /** Exactly one source of labels. */
    static final class Source {
        @Option(names = "--rules", required = true, paramLabel = "FILE",
                description = "IP/CIDR per line: a flow touching one is --positive, else --negative")
        Path rules;

        @Option(names = "--oracle", required = true, paramLabel = "FILE|DIR",
                description = "labelled flows (ipfixprobe/CESNET or CICFlowMeter columns), matched by 5-tuple and start")
        Path oracle;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--oracle-column", paramLabel = "C", description = "the label column of --oracle")
    String oracleColumn;

    @Option(names = "--label-map", split = ",", paramLabel = "V=LABEL", description = "renames oracle label values, e.g. 1=True,0=False")
    Map<String, String> labelMap = Map.of();

    @Option(names = "--positive", paramLabel = "LABEL", defaultValue = "True", description = "label of a listed flow (default ${DEFAULT-VALUE})")
    String positive;

    @Option(names = "--negative", paramLabel = "LABEL", defaultValue = "False", description = "label of any other flow (default ${DEFAULT-VALUE})")
    String negative;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--requests-topic", paramLabel = "TOPIC", defaultValue = "annotation-requests", description = "default ${DEFAULT-VALUE}")
    String requestsTopic;

    @Option(names = "--labels-topic", paramLabel = "TOPIC", defaultValue = "labels", description = "default ${DEFAULT-VALUE}")
    String labelsTopic;

    @Option(names = "--follow", description = "keep answering new requests until stopped")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka.require();
        Annotator annotator;
        String what;
        if (source.rules != null) {
            BlacklistAnnotator rules = BlacklistAnnotator.fromFile(InputFiles.existingFile(source.rules, "--rules"));
            annotator = Annotator.rules(rules, positive, negative);
            what = "the blacklist rule (" + rules.size() + " entries)";
        } else {
            if (oracleColumn == null) {
                throw UserError.usage("Missing required option: '--oracle-column=C' (with --oracle)");
            }
            OracleLabels oracle = OracleLabels.fromFile(InputFiles.existing(source.oracle, "--oracle"), oracleColumn,
                    new HashMap<>(labelMap));
            annotator = oracle;
            what = "the oracle " + source.oracle + " (" + oracle.size() + " labelled flows, column " + oracleColumn + ")";
        }
        try (AnnotationResponder responder = new AnnotationResponder(bootstrap, requestsTopic, labelsTopic, annotator)) {
            do {
                if (responder.answerAvailable(Duration.ofSeconds(30)) == 0 && follow) {
                    responder.awaitRequests(Duration.ofSeconds(1));
                }
            } while (follow);
            System.out.printf("answered %,d annotation requests with %s: %s; %,d without a label%n",
                    responder.answered(), what, responder.perLabel(), responder.unanswered());
        }
        return 0;
    }
}
