package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.RandomCutForestDetector;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores every bucket of a port series with a thresholded Random Cut Forest
 * ({@link RandomCutForestDetector}; expected value and band = the forest's one-step forecast).
 * The forest learns online (no refit timer); its state is the library's own state object as
 * bytes in one ValueState, about 270 KB per key with the defaults, decoded and re-encoded for
 * every bucket. Meant for a short list of important ports (route them here with a filter), not
 * as the per-port default: {@link PortAnomalyDetector} keeps ~10 KB per key. A key silent for
 * {@code idleTtl} is cleared by one lazily re-armed event-time timer.
 */
public class PortRcfDetector extends KeyedProcessFunction<String, PortPoint, AnomalyScore> {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<byte[]> MODEL =
            new ValueStateDescriptor<>("rcf-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final ValueStateDescriptor<Long> LAST_SEEN = new ValueStateDescriptor<>("rcf-last-seen", Long.class);

    private final long idleTtlMillis;
    private final long modelVersion;
    private transient ValueState<byte[]> model;
    private transient ValueState<Long> lastSeen;

    public PortRcfDetector() {
        this(PortAnomalyDetector.DEFAULT_IDLE_TTL, 1L);
    }

    public PortRcfDetector(Duration idleTtl, long modelVersion) {
        if (idleTtl.toMillis() <= 0) {
            throw new IllegalArgumentException("idleTtl must be > 0");
        }
        this.idleTtlMillis = idleTtl.toMillis();
        this.modelVersion = modelVersion;
    }

    @Override
    public void open(OpenContext openContext) {
        model = getRuntimeContext().getState(MODEL);
        lastSeen = getRuntimeContext().getState(LAST_SEEN);
    }

    @Override
    public void processElement(PortPoint p, Context ctx, Collector<AnomalyScore> out) throws Exception {
        byte[] bytes = model.value();
        RandomCutForestDetector forest =
                bytes == null ? RandomCutForestDetector.defaults() : RandomCutForestDetector.decode(bytes);
        DetectorResult r = forest.update(p.getBucketStartMillis(), p.getBytes());
        model.update(forest.encode());
        Long previous = lastSeen.value();
        if (previous == null) {
            ctx.timerService().registerEventTimeTimer(p.getBucketEndMillis() + idleTtlMillis);
        }
        lastSeen.update(Math.max(previous == null ? Long.MIN_VALUE : previous, p.getBucketEndMillis()));
        out.collect(AnomalyScore.newBuilder()
                .setDevice(p.getDevice()).setPort(p.getPort()).setDirection(p.getDirection())
                .setBucketEndMillis(p.getBucketEndMillis())
                .setValue(r.value()).setExpected(r.expected()).setLower(r.lower()).setUpper(r.upper())
                .setScore(r.score()).setAnomalous(r.anomalous())
                .setModelId(RandomCutForestDetector.ID).setModelVersion(modelVersion)
                .build());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        Long seen = lastSeen.value();
        if (seen == null) {
            return;
        }
        if (seen + idleTtlMillis > timestamp) {
            ctx.timerService().registerEventTimeTimer(seen + idleTtlMillis);
        } else {
            model.clear();
            lastSeen.clear();
        }
    }
}
