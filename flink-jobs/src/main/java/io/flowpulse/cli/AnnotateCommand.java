package io.flowpulse.cli;

import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.active.BlacklistAnnotator;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.codec.ByteBuffers;
import io.flowpulse.records.codec.Codecs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * {@code ./flowpulse annotate --rules blacklist.txt --bootstrap-servers H:P}: answers the annotation
 * requests on {@code annotation-requests} with labels on {@code labels} by ALF's blacklist rule (a
 * flow touching a listed IP/CIDR is positive). Reads the requests present now; {@code --follow}
 * keeps answering new ones until stopped.
 */
public final class AnnotateCommand implements Command {
    @Override
    public String name() {
        return "annotate";
    }

    @Override
    public String summary() {
        return "answer annotation-requests with labels by an IP/CIDR blacklist rule (ALF's DoH annotator)";
    }

    @Override
    public int run(String[] args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("rules", "bootstrap-servers", "requests-topic", "labels-topic", "positive", "negative"),
                Set.of("follow"));
        BlacklistAnnotator rules = BlacklistAnnotator.fromFile(Path.of(a.require("rules")));
        String bootstrap = a.require("bootstrap-servers");
        String positive = a.get("positive", "True");
        String negative = a.get("negative", "False");
        long answered = 0;
        long positives = 0;
        try (TopicReader<AnnotationRequest> requests = new TopicReader<>(bootstrap, a.get("requests-topic", "annotation-requests"),
                        Codecs.ANNOTATION_REQUEST);
                TopicWriter labels = new TopicWriter(bootstrap)) {
            String labelsTopic = a.get("labels-topic", "labels");
            int done = 0;
            do {
                requests.drainToEnd(Duration.ofSeconds(30));
                for (; done < requests.records().size(); done++) {
                    AnnotationRequest r = requests.records().get(done);
                    boolean hit = rules.matchesEither(ByteBuffers.copy(r.getKey().getSrcIp()), ByteBuffers.copy(r.getKey().getDstIp()));
                    labels.send(labelsTopic, r.getRequestId(), System.currentTimeMillis(), Codecs.ANNOTATION, Annotation.newBuilder()
                            .setRequestId(r.getRequestId()).setKey(r.getKey()).setFlowStartMicros(r.getFlowStartMicros())
                            .setFeatures(r.getFeatures()).setLabel(hit ? positive : negative).setAnnotator("blacklist")
                            .setAnnotatedMillis(System.currentTimeMillis()).build());
                    answered++;
                    positives += hit ? 1 : 0;
                }
                labels.flush();
            } while (a.has("follow"));
        }
        System.out.printf("answered %,d annotation requests with the blacklist rule (%d entries): %,d %s, %,d %s%n",
                answered, rules.size(), positives, positive, answered - positives, negative);
        return 0;
    }
}
