package io.flowpulse.cli;

import io.flowpulse.active.AnnotationResponder;
import io.flowpulse.active.Annotator;
import io.flowpulse.active.OracleLabels;
import io.flowpulse.ml.active.BlacklistAnnotator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code ./flowpulse annotate (--rules FILE | --oracle FILE --oracle-column C) --bootstrap-servers H:P}:
 * answers the annotation requests on {@code annotation-requests} with labels on {@code labels},
 * either by ALF's blacklist rule (a flow touching a listed IP/CIDR is positive) or, for
 * experiments, from a labelled flow file (the oracle: the label column of the row with the same
 * flow key and start). Reads the requests present now; {@code --follow} keeps answering new ones
 * until stopped.
 */
public final class AnnotateCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse annotate --rules blacklist.txt --bootstrap-servers H:P [options]",
            "       ./flowpulse annotate --oracle FLOWS.csv[.gz]|DIR --oracle-column C --bootstrap-servers H:P [options]",
            "  --rules FILE               IP/CIDR per line: a flow touching one is --positive (default True), else --negative (False)",
            "  --oracle FILE|DIR          labelled flows (ipfixprobe/CESNET or CICFlowMeter columns), matched by 5-tuple and start",
            "  --oracle-column C          the label column; --label-map 1=True,0=False renames its values",
            "  --requests-topic T         default annotation-requests; --labels-topic T default labels",
            "  --follow                   keep answering new requests until stopped",
            "");

    @Override
    public String name() {
        return "annotate";
    }

    @Override
    public String summary() {
        return "answer annotation-requests with labels: IP/CIDR blacklist rule (ALF's DoH annotator) or an oracle file";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.print(HELP);
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("rules", "oracle", "oracle-column", "label-map", "bootstrap-servers",
                "requests-topic", "labels-topic", "positive", "negative"), Set.of("follow"));
        if (a.has("rules") == a.has("oracle")) {
            throw new CliArgs.UsageException("give either --rules FILE or --oracle FILE --oracle-column C");
        }
        Annotator annotator;
        String what;
        if (a.has("rules")) {
            BlacklistAnnotator rules = BlacklistAnnotator.fromFile(Path.of(a.require("rules")));
            annotator = Annotator.rules(rules, a.get("positive", "True"), a.get("negative", "False"));
            what = "the blacklist rule (" + rules.size() + " entries)";
        } else {
            OracleLabels oracle = OracleLabels.fromFile(Path.of(a.require("oracle")), a.require("oracle-column"),
                    OracleLabels.renames(a.get("label-map", "")));
            annotator = oracle;
            what = "the oracle " + a.get("oracle", null) + " (" + oracle.size() + " labelled flows, column "
                    + a.get("oracle-column", null) + ")";
        }
        String bootstrap = a.require("bootstrap-servers");
        try (AnnotationResponder responder = new AnnotationResponder(bootstrap, a.get("requests-topic", "annotation-requests"),
                a.get("labels-topic", "labels"), annotator)) {
            do {
                if (responder.answerAvailable(Duration.ofSeconds(30)) == 0 && a.has("follow")) {
                    responder.awaitRequests(Duration.ofSeconds(1));
                }
            } while (a.has("follow"));
            System.out.printf("answered %,d annotation requests with %s: %s; %,d without a label%n",
                    responder.answered(), what, responder.perLabel(), responder.unanswered());
        }
        return 0;
    }
}
