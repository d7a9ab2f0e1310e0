package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.HoltWinters;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.HoltWintersState;
import io.flowpulse.ml.detectors.SeasonalSlot;
import io.flowpulse.ml.detectors.SlotStore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Scores every bucket of a port series (keyed by {@link PortPointKeySelector}) with
 * {@link HoltWinters} and Brutlag bands, emitting one {@link AnomalyScore} per bucket with the
 * expected value and band (NaN band, never anomalous, during the first day's warm-up).
 *
 * <p>State per key: the model's scalars in one small ValueState ({@link HoltWintersState}, about
 * 150 bytes) and its seasonal coefficients and deviations in a MapState keyed by slot index (48
 * daily + 336 weekly entries for 30-minute buckets), so a bucket reads and writes two small
 * entries instead of one big value. Holt-Winters learns online, so it needs no refit timer. A key
 * silent for {@code idleTtl} (event time) is cleared by one lazily re-armed timer
 * ({@link PortDetectorFunction}, which also skips gap-filled buckets).
 */
public class PortAnomalyDetector extends PortDetectorFunction {
    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<HoltWintersState> SCALARS =
            new ValueStateDescriptor<>("holt-winters-scalars", HoltWintersState.class);
    public static final MapStateDescriptor<Integer, SeasonalSlot> SLOTS =
            new MapStateDescriptor<>("holt-winters-slots", Types.INT, Types.POJO(SeasonalSlot.class));
    public static final ValueStateDescriptor<Long> LAST_SEEN =
            new ValueStateDescriptor<>("holt-winters-last-seen", Long.class);

    private final HoltWintersParams params;

    private transient ValueState<HoltWintersState> scalars;
    private transient MapState<Integer, SeasonalSlot> slots;
    private transient SlotStore slotStore;

    public PortAnomalyDetector(HoltWintersParams params) {
        this(params, DEFAULT_MODEL_VERSION, DEFAULT_IDLE_TTL);
    }

    public PortAnomalyDetector(HoltWintersParams params, long modelVersion, Duration idleTtl) {
        this(params, modelVersion, idleTtl, false);
    }

    public PortAnomalyDetector(HoltWintersParams params, long modelVersion, Duration idleTtl, boolean scoreFilled) {
        super(HoltWinters.ID, LAST_SEEN, idleTtl, modelVersion, scoreFilled);
        this.params = params;
    }

    @Override
    protected void openModel() {
        scalars = getRuntimeContext().getState(SCALARS);
        slots = getRuntimeContext().getMapState(SLOTS);
        slotStore = new MapStateSlotStore(slots);
    }

    @Override
    protected DetectorResult score(PortPoint p) throws Exception {
        HoltWintersState s = scalars.value();
        if (s == null) {
            s = new HoltWintersState();
        }
        DetectorResult r = HoltWinters.step(params, s, slotStore, p.getBucketStartMillis(), p.getBytes());
        scalars.update(s);
        return r;
    }

    @Override
    protected void clearModel() {
        scalars.clear();
        slots.clear();
    }

    /** The model's slots in Flink MapState (Flink copies on get/put; the math does not rely on aliasing). */
    private static final class MapStateSlotStore implements SlotStore {
        private final MapState<Integer, SeasonalSlot> state;

        MapStateSlotStore(MapState<Integer, SeasonalSlot> state) {
            this.state = state;
        }

        @Override
        public SeasonalSlot get(int index) {
            try {
                return state.get(index);
            } catch (Exception e) {
                throw new IllegalStateException("reading slot " + index, e);
            }
        }

        @Override
        public void put(int index, SeasonalSlot slot) {
            try {
                state.put(index, slot);
            } catch (Exception e) {
                throw new IllegalStateException("writing slot " + index, e);
            }
        }
    }
}
