package io.flowpulse.functions;

import io.flowpulse.ml.detectors.DetectorResult;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.StlModel;
import io.flowpulse.ml.detectors.StlResidualDetector;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.PortPoint;
import java.time.Duration;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * Scores every bucket of a port series with the STL residual model ({@link StlResidualDetector#fit}
 * and {@link StlResidualDetector#score}), refitting it from a bounded per-key history on an
 * event-time timer (default daily, at day boundaries). State per key: the fitted model
 * ({@link StlModel}, 400 bytes for 30-minute buckets), a few scalars, and the history in a
 * MapState ring keyed by {@code bucket mod capacity} (default 28 days: 1,344 entries of 16 bytes)
 * read only at refit. Never anomalous before the first fit (three days). The refit timer also
 * stops for a silent key; the idle TTL, gap-filled buckets and score building are
 * {@link PortDetectorFunction}'s.
 */
public class PortStlDetector extends PortDetectorFunction {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_HISTORY_DAYS = 28;
    public static final double DEFAULT_DELTA = 4.0;

    public static final ValueStateDescriptor<StlModel> MODEL = new ValueStateDescriptor<>("stl-model", StlModel.class);
    public static final ValueStateDescriptor<StlSeriesState> SERIES =
            new ValueStateDescriptor<>("stl-series", StlSeriesState.class);
    public static final ValueStateDescriptor<Long> LAST_SEEN = new ValueStateDescriptor<>("stl-last-seen", Long.class);
    public static final MapStateDescriptor<Integer, HistoryEntry> HISTORY =
            new MapStateDescriptor<>("stl-history", Types.INT, Types.POJO(HistoryEntry.class));

    private final long bucketMillis;
    private final int period;
    private final int capacity;
    private final double delta;
    private final long refitIntervalMillis;

    private transient ValueState<StlModel> model;
    private transient ValueState<StlSeriesState> series;
    private transient MapState<Integer, HistoryEntry> history;
    /** Refit timer to register after the current point (set by {@link #score}). */
    private transient long refitTimer;

    public PortStlDetector(Duration bucket) {
        this(bucket, DEFAULT_HISTORY_DAYS, DEFAULT_DELTA, Duration.ofDays(1), PortDetectorFunction.DEFAULT_IDLE_TTL,
                1L);
    }

    public PortStlDetector(Duration bucket, int historyDays, double delta, Duration refitInterval, Duration idleTtl,
            long modelVersion) {
        this(bucket, historyDays, delta, refitInterval, idleTtl, modelVersion, false);
    }

    public PortStlDetector(Duration bucket, int historyDays, double delta, Duration refitInterval, Duration idleTtl,
            long modelVersion, boolean scoreFilled) {
        super(StlResidualDetector.ID, LAST_SEEN, idleTtl, modelVersion, scoreFilled);
        this.bucketMillis = bucket.toMillis();
        if (bucketMillis <= 0 || HoltWintersParams.DAY_MILLIS % bucketMillis != 0) {
            throw new IllegalArgumentException("bucket must divide a day");
        }
        if (historyDays < StlResidualDetector.MIN_CYCLES || !(delta > 0) || refitInterval.toMillis() <= 0
                || idleTtl.toMillis() <= 0) {
            throw new IllegalArgumentException("need historyDays >= " + StlResidualDetector.MIN_CYCLES
                    + ", delta > 0, refitInterval and idleTtl > 0");
        }
        this.period = (int) (HoltWintersParams.DAY_MILLIS / bucketMillis);
        this.capacity = historyDays * period;
        this.delta = delta;
        this.refitIntervalMillis = refitInterval.toMillis();
    }

    @Override
    protected void openModel() {
        model = getRuntimeContext().getState(MODEL);
        series = getRuntimeContext().getState(SERIES);
        history = getRuntimeContext().getMapState(HISTORY);
    }

    @Override
    protected void clearModel() {
        model.clear();
        series.clear();
        history.clear();
    }

    @Override
    protected DetectorResult score(PortPoint p) throws Exception {
        long bucket = Math.floorDiv(p.getBucketStartMillis(), bucketMillis);
        double value = p.getBytes();
        StlSeriesState s = series.value();
        if (s == null) {
            s = new StlSeriesState();
            s.firstBucket = bucket;
            s.lastBucket = bucket - 1;
        }
        StlModel m = model.value();
        DetectorResult r;
        if (m == null) {
            r = DetectorResult.warmingUp(value, value);
        } else {
            r = StlResidualDetector.score(m, (int) Math.floorMod(bucket, (long) period), value, delta);
            model.update(m);
        }
        if (bucket > s.lastBucket) {
            history.put((int) Math.floorMod(bucket, (long) capacity), new HistoryEntry(bucket, value));
            s.lastBucket = bucket;
        }
        s.lastSeenMillis = Math.max(s.lastSeenMillis, p.getBucketEndMillis());
        if (s.timerMillis == Long.MIN_VALUE) {
            // refit at the next interval boundary in event time (midnight UTC for daily refits)
            s.timerMillis = Math.floorDiv(p.getBucketEndMillis(), refitIntervalMillis) * refitIntervalMillis
                    + refitIntervalMillis;
            refitTimer = s.timerMillis;
        }
        series.update(s);
        return r;
    }

    @Override
    public void processElement(PortPoint p, Context ctx, Collector<AnomalyScore> out) throws Exception {
        refitTimer = Long.MIN_VALUE;
        super.processElement(p, ctx, out);
        if (refitTimer != Long.MIN_VALUE) {
            ctx.timerService().registerEventTimeTimer(refitTimer);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyScore> out) throws Exception {
        StlSeriesState s = series.value();
        boolean refit = s != null && timestamp == s.timerMillis;
        // the base operator's idle TTL (a refit and a TTL timer may share a timestamp); a refit
        // timer of a live key does not re-arm the TTL timer
        if (!refit || isIdle(timestamp)) {
            expireIfIdle(timestamp, ctx);
            return;
        }
        long span = s.lastBucket - s.firstBucket + 1;
        if (span >= (long) StlResidualDetector.MIN_CYCLES * period) {
            int n = (int) Math.min(span, capacity);
            double[] data = new double[n];
            double previous = Double.NaN;
            for (int i = 0; i < n; i++) {
                long b = s.lastBucket - (n - 1 - i);
                HistoryEntry e = history.get((int) Math.floorMod(b, (long) capacity));
                // a bucket the series never delivered repeats the previous value
                double v = e != null && e.bucket == b ? e.value : previous;
                data[i] = Double.isNaN(v) ? 0.0 : v;
                previous = data[i];
            }
            model.update(StlResidualDetector.fit(data, s.lastBucket, period));
            s.refits++;
        }
        s.timerMillis = timestamp + refitIntervalMillis;
        ctx.timerService().registerEventTimeTimer(s.timerMillis);
        series.update(s);
    }

    /** Scalars of one series. POJO. */
    public static class StlSeriesState {
        public long firstBucket;
        public long lastBucket;
        public long lastSeenMillis = Long.MIN_VALUE;
        public long timerMillis = Long.MIN_VALUE;
        public long refits;

        public StlSeriesState() {}
    }

    /** One history value with its bucket (the ring slot is reused every {@code capacity} buckets). POJO. */
    public static class HistoryEntry {
        public long bucket;
        public double value;

        public HistoryEntry() {}

        public HistoryEntry(long bucket, double value) {
            this.bucket = bucket;
            this.value = value;
        }
    }
}
