package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.RandomCutForestDetector;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;

/**
 * Scores every bucket of a port series with a thresholded Random Cut Forest
 * ({@link RandomCutForestDetector}; expected value and band = the forest's one-step forecast).
 * The forest learns online (no refit timer); its state is the library's own state object as
 * bytes in one ValueState, about 270 KB per key with the defaults, decoded and re-encoded for
 * every bucket. Meant for a short list of important ports (route them here with an override), not
 * as the per-port default ({@link PortRobustBandDetector}, ~320 bytes per key). TTL, gap-filled
 * buckets and score building: {@link PortDetectorFunction}.
 */
public class PortRcfDetector extends PortDetectorFunction {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<byte[]> MODEL =
            new ValueStateDescriptor<>("rcf-model", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final ValueStateDescriptor<Long> LAST_SEEN = new ValueStateDescriptor<>("rcf-last-seen", Long.class);

    private transient ValueState<byte[]> model;

    public PortRcfDetector() {
        this(DEFAULT_IDLE_TTL, DEFAULT_MODEL_VERSION);
    }

    public PortRcfDetector(Duration idleTtl, long modelVersion) {
        this(idleTtl, modelVersion, false);
    }

    public PortRcfDetector(Duration idleTtl, long modelVersion, boolean scoreFilled) {
        super(RandomCutForestDetector.ID, LAST_SEEN, idleTtl, modelVersion, scoreFilled);
    }

    @Override
    protected void openModel() {
        model = getRuntimeContext().getState(MODEL);
    }

    @Override
    protected DetectorResult score(PortPoint p) throws Exception {
        byte[] bytes = model.value();
        RandomCutForestDetector forest =
                bytes == null ? RandomCutForestDetector.defaults() : RandomCutForestDetector.decode(bytes);
        DetectorResult r = forest.update(p.getBucketStartMillis(), p.getBytes());
        model.update(forest.encode());
        return r;
    }

    @Override
    protected void clearModel() {
        model.clear();
    }
}
