package io.flowpulse.active;

import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.codec.Codecs;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Answers {@code annotation-requests} on {@code labels} with one {@link Annotator}: keeps its
 * reader open, so each call answers only the requests that arrived since the last one. A request
 * the annotator cannot label gets no answer (counted).
 */
public final class AnnotationResponder implements AutoCloseable {
    private final Annotator annotator;
    private final TopicReader<AnnotationRequest> requests;
    private final TopicWriter labels;
    private final String labelsTopic;
    private final Map<String, Long> perLabel = new TreeMap<>();
    private final java.util.Set<Long> lastVersions = new java.util.TreeSet<>();
    private int done;
    private long answered;
    private long unanswered;

    public AnnotationResponder(String bootstrap, String requestsTopic, String labelsTopic, Annotator annotator) {
        this.annotator = annotator;
        this.requests = new TopicReader<>(bootstrap, requestsTopic, Codecs.ANNOTATION_REQUEST);
        this.labels = new TopicWriter(bootstrap);
        this.labelsTopic = labelsTopic;
    }

    /** Reads the requests topic to its current end and answers what is new; returns how many were answered. */
    public int answerAvailable(Duration deadline) {
        requests.drainToEnd(deadline);
        int n = 0;
        lastVersions.clear();
        for (; done < requests.records().size(); done++) {
            AnnotationRequest r = requests.records().get(done);
            lastVersions.add(r.getModelVersion());
            String label = annotator.label(r);
            if (label == null) {
                unanswered++;
                continue;
            }
            long now = System.currentTimeMillis();
            labels.send(labelsTopic, r.getRequestId(), now, Codecs.ANNOTATION, Annotation.newBuilder()
                    .setRequestId(r.getRequestId()).setKey(r.getKey()).setFlowStartMicros(r.getFlowStartMicros())
                    .setFeatures(r.getFeatures()).setLabel(label).setAnnotator(annotator.name())
                    .setAnnotatedMillis(now).build());
            perLabel.merge(label, 1L, Long::sum);
            answered++;
            n++;
        }
        labels.flush();
        return n;
    }

    /** Blocks up to {@code timeout} for new requests (they are answered by the next {@link #answerAvailable}). */
    public void awaitRequests(Duration timeout) {
        requests.poll(timeout);
    }

    /** The model versions that scored the requests of the last {@link #answerAvailable} call. */
    public java.util.Set<Long> lastVersions() {
        return lastVersions;
    }

    public long answered() {
        return answered;
    }

    public long unanswered() {
        return unanswered;
    }

    public Map<String, Long> perLabel() {
        return perLabel;
    }

    @Override
    public void close() {
        requests.close();
        labels.close();
    }
}
