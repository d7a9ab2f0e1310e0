package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The plumbing every per-port detector operator shares (keyed by {@link PortPointKeySelector}):
 * gap-filled buckets ({@code PortPoint.filled}) are neither scored nor learned unless
 * {@code scoreFilled} (a silent port is one no-data signal from the resampler, not a stream of
 * "drops"); each scored bucket becomes one {@link AnomalyScore} with the expected value and band;
 * a key silent for {@code idleTtl} of event time is cleared by one lazily re-armed timer that
 * reads the key's last-seen time ({@link #lastSeenState()}). Subclasses hold the model state and
 * implement {@link #score} and {@link #clearModel}.
 */
public abstract class PortDetectorFunction extends KeyedProcessFunction<String, PortPoint, AnomalyScore> {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_IDLE_TTL = Duration.ofDays(7);
    public static final long DEFAULT_MODEL_VERSION = 1L;

    protected final long idleTtlMillis;
    protected final long modelVersion;
    protected final boolean scoreFilled;
    private final String modelId;
    private final ValueStateDescriptor<Long> lastSeenState;

    private transient ValueState<Long> lastSeen;
    private transient Counter anomalies;
    private transient Counter filledSkipped;

    /**
     * @param modelId the detector's id in every score
     * @param lastSeenState the descriptor of the key's last-seen time (a distinct name per detector operator)
     */
    protected PortDetectorFunction(String modelId, ValueStateDescriptor<Long> lastSeenState, Duration idleTtl,
            long modelVersion, boolean scoreFilled) {
        if (idleTtl.isNegative() || idleTtl.isZero()) {
            throw new IllegalArgumentException("idleTtl must be > 0");
        }
        this.idleTtlMillis = idleTtl.toMillis();
        this.modelVersion = modelVersion;
        this.scoreFilled = scoreFilled;
        this.modelId = modelId;
        this.lastSeenState = lastSeenState;
    }

    /** The detector's id in every score ({@code modelId}). */
    protected final String modelId() {
        return modelId;
    }

    /** The descriptor of the key's last-seen time (a distinct name per detector operator). */
    protected final ValueStateDescriptor<Long> lastSeenState() {
        return lastSeenState;
    }

    /** Opens the model state. */
    protected abstract void openModel();

    /** Scores the point with the key's model and learns from it. */
    protected abstract DetectorResult score(PortPoint p) throws Exception;

    /** Drops the key's model state (idle TTL passed). */
    protected abstract void clearModel() throws Exception;

    @Override
    public final void open(OpenContext openContext) {
        lastSeen = getRuntimeContext().getState(lastSeenState());
        anomalies = getRuntimeContext().getMetricGroup().counter("anomalousBuckets");
        filledSkipped = getRuntimeContext().getMetricGroup().counter("filledBucketsNotScored");
        openModel();
    }

    @Override
    public void processElement(PortPoint p, Context ctx, Collector<AnomalyScore> out) throws Exception {
        if (p.getFilled() && !scoreFilled) {
            filledSkipped.inc();
            return;
        }
        DetectorResult r = score(p);
        Long previous = lastSeen.value();
        if (previous == null) {
            ctx.timerService().registerEventTimeTimer(p.getBucketEndMillis() + idleTtlMillis);
        }
        lastSeen.update(previous == null ? p.getBucketEndMillis() : Math.max(previous, p.getBucketEndMillis()));
        if (r.anomalous()) {
            anomalies.inc();
        }
        out.collect(AnomalyScore.newBuilder()
                .setDevice(p.getDevice()).setPort(p.getPort()).setDirection(p.getDirection())
                .setBucketEndMillis(p.getBucketEndMillis())
                .setValue(r.value()).setExpected(r.expected()).setLower(r.lower()).setUpper(r.upper())
                .setScore(r.score()).setAnomalous(r.anomalous())
                .setModelId(modelId()).setModelVersion(modelVersion)
                .build());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        expireIfIdle(timestamp, ctx);
    }

    /** The key has no last-seen time or was last seen at least the idle TTL before {@code timestamp}. */
    protected final boolean isIdle(long timestamp) throws Exception {
        Long seen = lastSeen.value();
        return seen == null || seen + idleTtlMillis <= timestamp;
    }

    /**
     * The idle-TTL check of a timer firing at {@code timestamp}: re-arms the timer while the key is
     * active, or clears the model and the last-seen time. Returns true when the key was cleared (or
     * has no state).
     */
    protected final boolean expireIfIdle(long timestamp, OnTimerContext ctx) throws Exception {
        Long seen = lastSeen.value();
        if (seen == null) {
            return true;
        }
        if (seen + idleTtlMillis > timestamp) {
            ctx.timerService().registerEventTimeTimer(seen + idleTtlMillis);
            return false;
        }
        clearModel();
        lastSeen.clear();
        return true;
    }
}
