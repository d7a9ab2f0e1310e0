package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.RobustBand;
import io.flowpulse.ml.detectors.RobustBandParams;
import io.flowpulse.ml.detectors.RobustBandState;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * Scores every bucket of a port series with the default detector, {@link RobustBand}: one
 * ValueState of about 1 KB per key ({@link RobustBandState}), plus the shared last-seen time.
 */
public class PortRobustBandDetector extends PortDetectorFunction {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<RobustBandState> MODEL =
            new ValueStateDescriptor<>("robust-band-model", RobustBandState.class);
    public static final ValueStateDescriptor<Long> LAST_SEEN =
            new ValueStateDescriptor<>("robust-band-last-seen", Long.class);

    private final RobustBandParams params;
    private final long bucketMillis;
    private transient ValueState<RobustBandState> model;

    public PortRobustBandDetector(RobustBandParams params, Duration bucket) {
        this(params, bucket, DEFAULT_IDLE_TTL, DEFAULT_MODEL_VERSION, false);
    }

    public PortRobustBandDetector(RobustBandParams params, Duration bucket, Duration idleTtl, long modelVersion,
            boolean scoreFilled) {
        super(RobustBand.ID, LAST_SEEN, idleTtl, modelVersion, scoreFilled);
        this.params = params;
        this.bucketMillis = bucket.toMillis();
    }

    @Override
    protected void openModel() {
        model = getRuntimeContext().getState(MODEL);
    }

    @Override
    protected DetectorResult score(PortPoint p) throws Exception {
        RobustBandState s = model.value();
        if (s == null) {
            s = new RobustBandState();
        }
        DetectorResult r = RobustBand.step(params, bucketMillis, s, p.getBucketStartMillis(), p.getBytes());
        model.update(s);
        return r;
    }

    @Override
    protected void clearModel() {
        model.clear();
    }
}
