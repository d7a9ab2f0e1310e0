package io.flowpulse.functions;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.Severity;
import io.flowpulse.ml.series.CounterMath;
import io.flowpulse.ml.series.ExponentialScaler;
import io.flowpulse.ml.series.PortSeriesParams;
import io.flowpulse.ml.series.RollingZScore;
import io.flowpulse.ml.series.UtcCalendar;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
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
 * Resamples one port series (keyed by {@link PortKeySelector}) into event-time buckets and
 * preprocesses them for the detectors; the arithmetic lives in {@code io.flowpulse.ml.series}.
 *
 * <ul>
 *   <li>COUNTER samples become deltas: 32/64-bit wraps are unwrapped; a decrease a wrap does not
 *       explain is a counter reset, whose first delta is the new counter value (or dropped, see
 *       {@link PortSeriesParams#countBytesAfterReset}) and whose bucket is flagged
 *       {@code counterReset}. A delta is spread over the buckets of its interval in proportion to
 *       time. DELTA samples are added to the bucket of their timestamp. A decrease that is neither
 *       a wrap nor a plausible reset (the new value is more than the link can carry since the last
 *       reading) goes to {@link SideOutputs#DEAD_LETTERS} as {@code counter-backwards} (counters
 *       {@code counterBackwards}, {@code deadLetters}); see {@code counterStep}.</li>
 *   <li>A bucket {@code [s, s + bucket)} is emitted once, when the watermark passes
 *       {@code s + bucket - 1 + allowedLateness}. Every interval is emitted from the key's first
 *       bucket on; one without data is 0 with {@code filled = true}. Samples for an emitted bucket
 *       go to {@link SideOutputs#LATE_PORT_SAMPLES} and the {@code latePortSamples} counter.
 *       {@code noDataAfterBuckets} filled buckets in a row make one no-data signal
 *       ({@link SideOutputs#NO_DATA}) per silence; the detectors do not score filled buckets by
 *       default, so a silent port is this one signal, not a stream of drops.</li>
 *   <li>Rolling z-score clipping over the previous buckets of the window: {@code bytes} keeps the
 *       original sum, {@code clippedBytes} is the value to model (the clipped value when
 *       {@code clipped}, else {@code bytes}); {@code scaled} is {@code clippedBytes} through the
 *       per-key {@link ExponentialScaler}; hour of day and ISO weekday (UTC) of the bucket start.</li>
 * </ul>
 *
 * <p>State per key (RocksDB friendly, nothing grows with the stream): one small POJO rewritten per
 * sample, a MapState of the open bucket slots (one entry read and written per sample) and a
 * MapState of the last clipping-window values (one put and one remove per emitted bucket). One
 * event-time timer per key: the emission of the next bucket. A key without samples for
 * {@code stateTtlMillis} of event time gets its zero buckets up to then, and then all its state
 * is cleared and no timer is left.
 */
public class PortSeriesResampler extends KeyedProcessFunction<String, PortSample, PortPoint> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<SeriesState> SERIES_STATE =
            new ValueStateDescriptor<>("port-series", SeriesState.class);
    static final MapStateDescriptor<Long, BucketSlot> BUCKET_SLOTS =
            new MapStateDescriptor<>("port-bucket-slots", Types.LONG, Types.POJO(BucketSlot.class));
    static final MapStateDescriptor<Long, Double> RECENT_VALUES =
            new MapStateDescriptor<>("port-recent-values", Types.LONG, Types.DOUBLE);

    /** modelId of the no-data signals. */
    public static final String NO_DATA_MODEL_ID = "no-data";
    /** Gap-filled buckets in a row that make one no-data signal, by default. */
    public static final int DEFAULT_NO_DATA_AFTER_BUCKETS = 2;

    private final PortSeriesParams params;
    private final int noDataAfterBuckets;
    private transient ValueState<SeriesState> seriesState;
    private transient MapState<Long, BucketSlot> bucketSlots;
    private transient MapState<Long, Double> recentValues;
    private transient double[] window;
    private transient Counter latePortSamples;
    private transient Counter counterWraps;
    private transient Counter counterResets;
    private transient Counter outOfOrderCounterSamples;
    private transient Counter pointsEmitted;
    private transient Counter filledBuckets;
    private transient Counter clippedBuckets;
    private transient Counter droppedLateBytes;
    private transient Counter counterBackwards;
    private transient Counter deadLetters;
    private transient Counter noDataSignals;

    public PortSeriesResampler(PortSeriesParams params) {
        this(params, DEFAULT_NO_DATA_AFTER_BUCKETS);
    }

    public PortSeriesResampler(PortSeriesParams params, int noDataAfterBuckets) {
        if (noDataAfterBuckets < 1) {
            throw new IllegalArgumentException("noDataAfterBuckets must be >= 1");
        }
        this.params = params;
        this.noDataAfterBuckets = noDataAfterBuckets;
    }

    @Override
    public void open(OpenContext openContext) {
        seriesState = getRuntimeContext().getState(SERIES_STATE);
        bucketSlots = getRuntimeContext().getMapState(BUCKET_SLOTS);
        recentValues = getRuntimeContext().getMapState(RECENT_VALUES);
        window = new double[params.clipWindowBuckets()];
        var metrics = getRuntimeContext().getMetricGroup();
        latePortSamples = metrics.counter("latePortSamples");
        counterWraps = metrics.counter("counterWraps");
        counterResets = metrics.counter("counterResets");
        outOfOrderCounterSamples = metrics.counter("outOfOrderCounterSamples");
        pointsEmitted = metrics.counter("portPointsEmitted");
        filledBuckets = metrics.counter("filledBuckets");
        clippedBuckets = metrics.counter("clippedBuckets");
        droppedLateBytes = metrics.counter("droppedLateBytes");
        counterBackwards = metrics.counter("counterBackwards");
        deadLetters = metrics.counter("deadLetters");
        noDataSignals = metrics.counter("noDataSignals");
    }

    @Override
    public void processElement(PortSample s, Context ctx, Collector<PortPoint> out) throws Exception {
        long ts = s.getTimestampMillis();
        long watermark = ctx.timerService().currentWatermark();
        long bucket = bucketStart(ts);
        SeriesState st = seriesState.value();
        if (st == null) {
            if (watermark != Long.MIN_VALUE && emissionTime(bucket) <= watermark) {
                late(s, ctx);
                return;
            }
            st = new SeriesState();
            st.firstBucketStart = bucket;
            st.nextBucketStart = bucket;
        } else if (bucket < st.nextBucketStart) {
            if (bucket < st.firstBucketStart && emissionTime(bucket) > watermark) {
                // out of order before the key's first bucket, still in time: start the series earlier
                st.firstBucketStart = bucket;
                st.nextBucketStart = bucket;
                if (st.timerMillis != Long.MIN_VALUE) {
                    ctx.timerService().deleteEventTimeTimer(st.timerMillis);
                    st.timerMillis = Long.MIN_VALUE;
                }
            } else {
                late(s, ctx);
                return;
            }
        }
        st.lastActivityMillis = Math.max(st.lastActivityMillis, ts);

        if (s.getKind() == SampleKind.DELTA) {
            addToSlot(bucket, Math.max(0, s.getBytes()), true, false);
        } else if (!st.hasCounter || ts - st.lastCounterMillis > params.stateTtlMillis) {
            // first reading (or after a silence longer than the TTL): a baseline, no delta yet
            st.hasCounter = true;
            st.lastCounter = s.getBytes();
            st.lastCounterMillis = ts;
            addToSlot(bucket, 0, true, false);
        } else if (ts <= st.lastCounterMillis) {
            // an older reading of a cumulative counter adds nothing the newer one did not count
            outOfOrderCounterSamples.inc();
        } else {
            int bits = s.getCounterBits();
            String backwards = counterStep(st, s.getBytes(), bits >= 1 && bits <= 64 ? bits : 64, ts);
            if (backwards != null) {
                counterBackwards.inc();
                deadLetters.inc();
                ctx.output(SideOutputs.DEAD_LETTERS, DeadLetter.newBuilder()
                        .setTopic("port-samples").setPartition(-1).setOffset(-1)
                        .setRaw(java.nio.ByteBuffer.wrap(io.flowpulse.records.codec.Codecs.PORT_SAMPLE.encode(s)))
                        .setReason("counter-backwards: " + backwards)
                        .setFailedMillis(System.currentTimeMillis())
                        .build());
            }
        }

        if (st.timerMillis == Long.MIN_VALUE) {
            st.timerMillis = emissionTime(st.nextBucketStart);
            ctx.timerService().registerEventTimeTimer(st.timerMillis);
        }
        seriesState.update(st);
    }

    /**
     * One COUNTER step. Returns null when the reading was used, or why it was not: a decrease that
     * is neither a wrap nor a reset (a reset restarts from 0, so its new value is at most the
     * traffic the link can carry since the last reading: the same plausibility bound as a wrap)
     * is a glitch (a stale or foreign reading). It goes to the dead letters and the series keeps
     * measuring from the last good reading; if the next reading is below that one too, the
     * counter really moved down (re-based) and that reading becomes the new baseline, flagged as
     * a reset, its interval counted as 0 bytes. No spike of the whole counter value either way.
     */
    private String counterStep(SeriesState st, long counter, int bits, long ts) throws Exception {
        long elapsed = ts - st.lastCounterMillis;
        double plausible = CounterMath.plausibleWrapBytes(bits, elapsed, params.maxBytesPerSecond,
                st.peakBytesPerSecond, params.wrapRateFactor);
        CounterMath.Change change = CounterMath.classify(st.lastCounter, counter, bits, plausible);
        double delta;
        if (change == CounterMath.Change.RESET) {
            double sinceReset = CounterMath.delta(st.lastCounter, counter, bits, change);
            boolean rebased = st.backwardsPending;
            if (sinceReset > plausible && !rebased) {
                st.backwardsPending = true;
                return "from " + Long.toUnsignedString(st.lastCounter) + " to " + Long.toUnsignedString(counter)
                        + " in " + elapsed + " ms: neither a " + bits + "-bit wrap nor a reset (more than the "
                        + (long) plausible + " bytes the link plausibly carries); measured from the previous reading";
            }
            counterResets.inc();
            delta = params.countBytesAfterReset && !rebased ? sinceReset : 0;
        } else {
            if (change == CounterMath.Change.WRAP) {
                counterWraps.inc();
            }
            delta = CounterMath.delta(st.lastCounter, counter, bits, change);
            st.peakBytesPerSecond = CounterMath.decayedPeak(st.peakBytesPerSecond, delta * 1000.0 / elapsed, elapsed,
                    params.peakHalfLifeMillis);
        }
        boolean reset = change == CounterMath.Change.RESET;
        spread(st, st.lastCounterMillis, ts, delta, reset);
        addToSlot(bucketStart(ts), 0, true, false);
        st.lastCounter = counter;
        st.lastCounterMillis = ts;
        st.backwardsPending = false;
        return null;
    }

    /**
     * Spreads {@code delta} over the buckets of (from, to] in proportion to time (a reading at a
     * bucket boundary counts the traffic before it); emitted buckets lose their share. After a
     * reset, every bucket receiving a share is flagged.
     */
    private void spread(SeriesState st, long from, long to, double delta, boolean reset) throws Exception {
        double span = to - from;
        for (long b = bucketStart(from); b <= to - 1; b += params.bucketMillis) {
            long overlap = Math.min(to, b + params.bucketMillis) - Math.max(from, b);
            if (overlap <= 0) {
                continue;
            }
            double share = delta * overlap / span;
            if (b >= st.nextBucketStart) {
                addToSlot(b, share, false, reset);
            } else {
                droppedLateBytes.inc((long) share);
            }
        }
    }

    private void addToSlot(long bucket, double bytes, boolean sample, boolean reset) throws Exception {
        BucketSlot slot = bucketSlots.get(bucket);
        if (slot == null) {
            slot = new BucketSlot();
        }
        slot.bytes += bytes;
        if (sample) {
            slot.sampleCount++;
        }
        slot.counterReset |= reset;
        bucketSlots.put(bucket, slot);
    }

    private void late(PortSample s, Context ctx) {
        latePortSamples.inc();
        ctx.output(SideOutputs.LATE_PORT_SAMPLES, s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PortPoint> out) throws Exception {
        SeriesState st = seriesState.value();
        if (st == null) {
            return;
        }
        st.timerMillis = Long.MIN_VALUE;
        long watermark = ctx.timerService().currentWatermark();
        long cleanupAt = st.lastActivityMillis + params.stateTtlMillis;
        String[] key = null;
        while (emissionTime(st.nextBucketStart) <= watermark && st.nextBucketStart < cleanupAt) {
            if (key == null) {
                key = PortKeySelector.parts(ctx.getCurrentKey());
            }
            emit(st, key, out, ctx);
            st.nextBucketStart += params.bucketMillis;
        }
        if (watermark >= cleanupAt) {
            seriesState.clear();
            bucketSlots.clear();
            recentValues.clear();
            return;
        }
        st.timerMillis = Math.min(emissionTime(st.nextBucketStart), cleanupAt);
        ctx.timerService().registerEventTimeTimer(st.timerMillis);
        seriesState.update(st);
    }

    private void emit(SeriesState st, String[] key, Collector<PortPoint> out, OnTimerContext ctx) throws Exception {
        long b = st.nextBucketStart;
        long width = params.bucketMillis;
        BucketSlot slot = bucketSlots.get(b);
        if (slot != null) {
            bucketSlots.remove(b);
        }
        double bytes = slot == null ? 0.0 : slot.bytes;
        int n = 0;
        for (int i = 1; i <= window.length; i++) {
            Double v = recentValues.get(b - i * width);
            if (v != null) {
                window[n++] = v;
            }
        }
        RollingZScore.Result z = RollingZScore.score(window, n, bytes, params.clipThreshold, params.clipMinPoints,
                params.clipMinRelativeStd);
        recentValues.put(b, z.value());
        recentValues.remove(b - window.length * width);
        double scaled = st.scaler.scale(z.value());
        st.scaler.update(z.value(), params.scalerMaxCount);
        pointsEmitted.inc();
        if (slot == null) {
            filledBuckets.inc();
            if (st.filledRun++ == 0) {
                st.silentSinceMillis = b;
            }
            if (st.filledRun == noDataAfterBuckets) {
                noDataSignals.inc();
                ctx.output(SideOutputs.NO_DATA, Alert.newBuilder()
                        .setAlertId(ctx.getCurrentKey() + "@" + st.silentSinceMillis + "/no-data")
                        .setDevice(key[0]).setPort(key[1]).setDirection(Direction.valueOf(key[2]))
                        .setSeverity(Severity.WARNING).setState(AlertState.OPEN)
                        .setFirstBucketMillis(st.silentSinceMillis).setLastBucketMillis(b + width)
                        .setCount(st.filledRun).setPeakScore(0).setModelId(NO_DATA_MODEL_ID)
                        .build());
            }
        } else {
            st.filledRun = 0;
        }
        if (z.clipped()) {
            clippedBuckets.inc();
        }
        out.collect(PortPoint.newBuilder()
                .setDevice(key[0])
                .setPort(key[1])
                .setDirection(Direction.valueOf(key[2]))
                .setBucketStartMillis(b)
                .setBucketEndMillis(b + width)
                .setBytes(bytes)
                .setSampleCount(slot == null ? 0 : slot.sampleCount)
                .setFilled(slot == null)
                .setCounterReset(slot != null && slot.counterReset)
                .setClipped(z.clipped())
                .setClippedBytes(z.value())
                .setZScore(z.zScore())
                .setScaled(scaled)
                .setHourOfDay(UtcCalendar.hourOfDay(b))
                .setDayOfWeek(UtcCalendar.dayOfWeek(b))
                .build());
    }

    long bucketStart(long millis) {
        return Math.floorDiv(millis, params.bucketMillis) * params.bucketMillis;
    }

    long emissionTime(long bucketStart) {
        return bucketStart + params.bucketMillis - 1 + params.allowedLatenessMillis;
    }

    /** Per-key scalars (about 100 bytes), rewritten per sample. */
    public static class SeriesState {
        /** Last COUNTER reading and its time. */
        public long lastCounter;
        public long lastCounterMillis = Long.MIN_VALUE;
        public boolean hasCounter;
        /** Recent peak rate (decaying), the yardstick for wrap plausibility. */
        public double peakBytesPerSecond;
        /** First bucket of the series, and the next one to emit (every earlier one is emitted). */
        public long firstBucketStart;
        public long nextBucketStart;
        /** Latest sample time (event time), for the idle cleanup. */
        public long lastActivityMillis = Long.MIN_VALUE;
        /** The pending event-time timer, or Long.MIN_VALUE. */
        public long timerMillis = Long.MIN_VALUE;
        public ExponentialScaler scaler = new ExponentialScaler();
        /** The previous reading went backwards (dead-lettered); a second one in a row re-bases the counter. */
        public boolean backwardsPending;
        /** Gap-filled buckets in a row up to the last emitted one, and the start of the first of them. */
        public int filledRun;
        public long silentSinceMillis;

        public SeriesState() {}
    }

    /** One open bucket: the bytes attributed to it so far, the samples in it and the reset flag. */
    public static class BucketSlot {
        public double bytes;
        public int sampleCount;
        public boolean counterReset;

        public BucketSlot() {}
    }
}
