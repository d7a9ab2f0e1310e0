package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.HoltWinters;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.HoltWintersState;
import io.flowpulse.ml.detectors.SeasonalSlot;
import io.flowpulse.ml.detectors.SlotStore;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores every bucket of a port series (keyed by {@link PortPointKeySelector}) with
 * {@link HoltWinters} and Brutlag bands, emitting one {@link AnomalyScore} per bucket with the
 * expected value and band (NaN band, never anomalous, during the first day's warm-up).
 *
 * <p>State per key: the model's scalars in one small ValueState ({@link HoltWintersState}, about
 * 150 bytes) and its seasonal coefficients and deviations in a MapState keyed by slot index (48
 * daily + 336 weekly entries for 30-minute buckets), so a bucket reads and writes two small
 * entries instead of one big value. Holt-Winters learns online, so it needs no refit timer. A key
 * silent for {@code idleTtl} (event time) is cleared by one lazily re-armed timer.
 */
public class PortAnomalyDetector extends KeyedProcessFunction<String, PortPoint, AnomalyScore> {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_IDLE_TTL = Duration.ofDays(7);
    public static final long DEFAULT_MODEL_VERSION = 1L;

    public static final ValueStateDescriptor<HoltWintersState> SCALARS =
            new ValueStateDescriptor<>("holt-winters-scalars", HoltWintersState.class);
    public static final MapStateDescriptor<Integer, SeasonalSlot> SLOTS =
            new MapStateDescriptor<>("holt-winters-slots", Types.INT, Types.POJO(SeasonalSlot.class));

    private final HoltWintersParams params;
    private final long modelVersion;
    private final long idleTtlMillis;

    private transient ValueState<HoltWintersState> scalars;
    private transient MapState<Integer, SeasonalSlot> slots;
    private transient SlotStore slotStore;
    private transient Counter anomalies;

    public PortAnomalyDetector(HoltWintersParams params) {
        this(params, DEFAULT_MODEL_VERSION, DEFAULT_IDLE_TTL);
    }

    public PortAnomalyDetector(HoltWintersParams params, long modelVersion, Duration idleTtl) {
        if (idleTtl.isNegative() || idleTtl.isZero()) {
            throw new IllegalArgumentException("idleTtl must be > 0");
        }
        this.params = params;
        this.modelVersion = modelVersion;
        this.idleTtlMillis = idleTtl.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        scalars = getRuntimeContext().getState(SCALARS);
        slots = getRuntimeContext().getMapState(SLOTS);
        slotStore = new MapStateSlotStore(slots);
        anomalies = getRuntimeContext().getMetricGroup().counter("anomalousBuckets");
    }

    @Override
    public void processElement(PortPoint p, Context ctx, Collector<AnomalyScore> out) throws Exception {
        HoltWintersState s = scalars.value();
        if (s == null) {
            s = new HoltWintersState();
        }
        DetectorResult r = HoltWinters.step(params, s, slotStore, p.getBucketStartMillis(), p.getBytes());
        if (s.cleanupTimerMillis == Long.MIN_VALUE) {
            s.cleanupTimerMillis = s.lastSeenMillis + idleTtlMillis;
            ctx.timerService().registerEventTimeTimer(s.cleanupTimerMillis);
        }
        scalars.update(s);
        if (r.anomalous()) {
            anomalies.inc();
        }
        out.collect(AnomalyScore.newBuilder()
                .setDevice(p.getDevice())
                .setPort(p.getPort())
                .setDirection(p.getDirection())
                .setBucketEndMillis(p.getBucketEndMillis())
                .setValue(r.value())
                .setExpected(r.expected())
                .setLower(r.lower())
                .setUpper(r.upper())
                .setScore(r.score())
                .setAnomalous(r.anomalous())
                .setModelId(HoltWinters.ID)
                .setModelVersion(modelVersion)
                .build());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        HoltWintersState s = scalars.value();
        if (s == null) {
            return;
        }
        long deadline = s.lastSeenMillis + idleTtlMillis;
        if (deadline > timestamp) {
            s.cleanupTimerMillis = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
            scalars.update(s);
        } else {
            scalars.clear();
            slots.clear();
        }
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
