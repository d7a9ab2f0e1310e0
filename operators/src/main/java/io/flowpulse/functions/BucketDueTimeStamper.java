package io.flowpulse.functions;

import io.flowpulse.records.AnomalyScore;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gives every score the event time its bucket became due ({@code bucketEnd - 1 + allowedLateness},
 * the watermark at which the resampler emits the bucket) instead of the time of the timer that
 * happened to emit it. The resampler emits all due buckets of a key in one timer firing, so
 * without this, how many buckets share one timestamp depends on how the watermark advanced in
 * that run, and the CEP escalation (ordering, {@code within}) would depend on it too. The due time
 * lies in (previous watermark, current watermark], so a re-stamped score is never late downstream.
 * Watermarks pass through unchanged.
 */
public class BucketDueTimeStamper extends AbstractStreamOperator<AnomalyScore>
        implements OneInputStreamOperator<AnomalyScore, AnomalyScore> {
    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMillis;

    public BucketDueTimeStamper(long allowedLatenessMillis) {
        this.allowedLatenessMillis = allowedLatenessMillis;
    }

    @Override
    public void processElement(StreamRecord<AnomalyScore> element) {
        output.collect(element.replace(element.getValue(),
                element.getValue().getBucketEndMillis() - 1 + allowedLatenessMillis));
    }
}
