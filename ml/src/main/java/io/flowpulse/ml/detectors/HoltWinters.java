package io.flowpulse.ml.detectors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Holt-Winters forecasting with Brutlag deviation bands (RRDtool aberrant-behaviour detection),
 * additive, with a daily season and an optional weekly correction (Taylor 2003 double-seasonal
 * exponential smoothing):
 *
 * <pre>
 *   expected  = level + trend + daily[slot] + weekly[slot]
 *   band      = expected +- delta * deviation[daily slot]
 *   level'    = alpha (y - daily - weekly) + (1 - alpha)(level + trend)
 *   trend'    = beta (level' - level) + (1 - beta) trend
 *   daily'    = gamma (y - level' - weekly) + (1 - gamma) daily
 *   weekly'   = gammaWeekly (y - level' - daily) + (1 - gammaWeekly) weekly
 *   deviation'= gammaDeviation |y - expected| + (1 - gammaDeviation) deviation
 * </pre>
 *
 * The first {@code warmupSeasons} days are learned without flagging (daily slots start at the
 * slot means of the warm-up, deviations at the mean absolute step). Weekly slots are learned from the
 * second warm day on; a weekly slot takes {@value #FIRST_WEEKLY_GAMMA} of its residual on its
 * first visit (so the first weekend may be flagged, later ones are mostly known). The math is in the static
 * {@link #step} over a {@link HoltWintersState} and a {@link SlotStore}, so a Flink operator keeps
 * the scalars in a ValueState and the slots in a MapState (no per-key array value); this class is
 * the in-memory form used by tests and the evaluation command, with {@link #encode}/{@link #decode}.
 *
 * <p>Hand-written: no maintained Java library implements Brutlag bands over externally stored,
 * per-slot state (the usual ones keep whole arrays and refit in batch).
 */
public final class HoltWinters implements AnomalyDetector {
    public static final String ID = "holt-winters";
    private static final int MAGIC = 0x48573032; // "HW02"
    /** Weight of the first visit of a weekly slot. */
    static final double FIRST_WEEKLY_GAMMA = 0.8;

    private final HoltWintersParams params;
    private final HoltWintersState state;
    private final ArraySlotStore slots;

    public HoltWinters(HoltWintersParams params) {
        this(params, new HoltWintersState(), new ArraySlotStore(params.totalSlots()));
    }

    private HoltWinters(HoltWintersParams params, HoltWintersState state, ArraySlotStore slots) {
        this.params = params;
        this.state = state;
        this.slots = slots;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public DetectorResult update(long timestampMillis, double value) {
        return step(params, state, slots, timestampMillis, value);
    }

    public HoltWintersParams params() {
        return params;
    }

    public HoltWintersState state() {
        return state;
    }

    /**
     * Scores {@code value} at {@code timestampMillis} and learns from it. A point at or before the
     * last learned bucket is scored but not learned (late duplicate). Mutates {@code s} and the slots.
     */
    public static DetectorResult step(HoltWintersParams p, HoltWintersState s, SlotStore slots,
            long timestampMillis, double value) {
        long bucket = Math.floorDiv(timestampMillis, p.bucketMillis);
        int daily = (int) Math.floorMod(bucket, (long) p.dailySlots());
        int weekly = p.weekly ? p.dailySlots() + (int) Math.floorMod(bucket, (long) p.weeklySlots()) : -1;
        if (!s.started) {
            s.started = true;
            s.firstBucket = bucket;
            s.lastBucket = bucket - 1;
        }
        boolean learn = bucket > s.lastBucket;
        s.lastSeenMillis = Math.max(s.lastSeenMillis, timestampMillis);
        if (!s.warm && bucket - s.firstBucket < p.warmupBuckets()) {
            if (learn) {
                SeasonalSlot d = slots.get(daily);
                if (d == null) {
                    d = new SeasonalSlot();
                }
                d.samples++;
                d.seasonal += (value - d.seasonal) / d.samples;
                slots.put(daily, d);
                if (s.warmupCount > 0) {
                    s.warmupAbsStepSum += Math.abs(value - s.previousValue);
                }
                s.warmupCount++;
                s.warmupSum += value;
                s.previousValue = value;
                s.lastBucket = bucket;
            }
            return DetectorResult.warmingUp(value, s.warmupSum / Math.max(1, s.warmupCount));
        }
        if (!s.warm) {
            s.warm = true;
            s.warmupMean = s.warmupCount == 0 ? value : s.warmupSum / s.warmupCount;
            s.level = s.warmupMean;
            s.trend = 0;
            s.initialDeviation = s.warmupCount > 1 ? s.warmupAbsStepSum / (s.warmupCount - 1) : 0.0;
        }

        SeasonalSlot d = slots.get(daily);
        double seasonalDaily;
        double deviation;
        if (d == null) {
            d = new SeasonalSlot(0, s.initialDeviation, 0, true);
        } else if (!d.centered) {
            d.seasonal -= s.warmupMean;
            d.deviation = s.initialDeviation;
            d.centered = true;
        }
        seasonalDaily = d.seasonal;
        deviation = d.deviation;
        SeasonalSlot w = null;
        double seasonalWeekly = 0;
        if (weekly >= 0 && s.updates >= p.dailySlots()) {
            w = slots.get(weekly);
            if (w == null) {
                w = new SeasonalSlot(0, 0, 0, true);
            }
            seasonalWeekly = w.seasonal;
        }

        long steps = Math.max(1, bucket - s.lastBucket);
        double levelForecast = s.level + steps * s.trend;
        double expected = levelForecast + seasonalDaily + seasonalWeekly;
        double scale = Math.max(deviation, Math.max(p.minDeviation, p.minRelativeDeviation * Math.abs(expected)));
        double halfBand = p.delta * scale;
        double lower = expected - halfBand;
        double upper = expected + halfBand;
        double error = value - expected;
        double score = scale > 0 ? Math.abs(error) / scale : (error == 0 ? 0 : Double.POSITIVE_INFINITY);
        boolean violation = score > p.delta;
        long window = ((s.violations << 1) | (violation ? 1 : 0)) & ((1L << p.failureWindow) - 1);
        boolean anomalous = violation && Long.bitCount(window) >= p.failureThreshold;
        if (!learn) {
            return new DetectorResult(value, expected, lower, upper, score, anomalous, true);
        }

        s.violationRun = violation ? s.violationRun + 1 : 0;
        // clamp a violating value to the band, unless the violations have lasted longer than
        // clipLimit buckets: then it is a level shift, learned as the new normal
        boolean clip = p.clipAnomalies && violation && s.violationRun <= p.clipLimitBuckets();
        double y = clip ? Math.max(lower, Math.min(upper, value)) : value;
        double level = p.alpha * (y - seasonalDaily - seasonalWeekly) + (1 - p.alpha) * levelForecast;
        s.trend = p.beta * (level - s.level) / steps + (1 - p.beta) * s.trend;
        s.level = level;
        d.seasonal = p.gamma * (y - level - seasonalWeekly) + (1 - p.gamma) * seasonalDaily;
        d.deviation = p.gammaDeviation * Math.abs(y - expected) + (1 - p.gammaDeviation) * deviation;
        slots.put(daily, d);
        if (w != null) {
            // first visit of a weekly slot: take most of the residual (RRDtool-style initial season),
            // unclipped, so a weekend is learned after one week instead of ten
            boolean firstVisit = w.samples == 0;
            double g = firstVisit ? FIRST_WEEKLY_GAMMA : p.gammaWeekly;
            double yw = firstVisit ? value : y;
            w.seasonal = g * (yw - level - seasonalDaily) + (1 - g) * seasonalWeekly;
            w.samples = (int) Math.min(Integer.MAX_VALUE, w.samples + 1L);
            slots.put(weekly, w);
        }
        s.violations = window;
        s.lastBucket = bucket;
        s.updates++;
        return new DetectorResult(value, expected, lower, upper, score, anomalous, true);
    }

    /** Model bytes: params, scalars and every written slot. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + 24 * params.totalSlots());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            HoltWintersParams p = params;
            out.writeLong(p.bucketMillis);
            out.writeDouble(p.alpha);
            out.writeDouble(p.beta);
            out.writeDouble(p.gamma);
            out.writeDouble(p.gammaWeekly);
            out.writeDouble(p.gammaDeviation);
            out.writeDouble(p.delta);
            out.writeBoolean(p.weekly);
            out.writeInt(p.warmupSeasons);
            out.writeInt(p.failureWindow);
            out.writeInt(p.failureThreshold);
            out.writeBoolean(p.clipAnomalies);
            out.writeDouble(p.clipLimitDays);
            out.writeDouble(p.minDeviation);
            out.writeDouble(p.minRelativeDeviation);
            HoltWintersState s = state;
            out.writeBoolean(s.started);
            out.writeBoolean(s.warm);
            out.writeLong(s.firstBucket);
            out.writeLong(s.lastBucket);
            out.writeDouble(s.level);
            out.writeDouble(s.trend);
            out.writeDouble(s.warmupMean);
            out.writeDouble(s.initialDeviation);
            out.writeLong(s.warmupCount);
            out.writeDouble(s.warmupSum);
            out.writeDouble(s.warmupAbsStepSum);
            out.writeDouble(s.previousValue);
            out.writeLong(s.violations);
            out.writeLong(s.violationRun);
            out.writeLong(s.updates);
            out.writeLong(s.lastSeenMillis);
            int written = 0;
            for (SeasonalSlot slot : slots.slots) {
                if (slot != null) {
                    written++;
                }
            }
            out.writeInt(written);
            for (int i = 0; i < slots.slots.length; i++) {
                SeasonalSlot slot = slots.slots[i];
                if (slot != null) {
                    out.writeInt(i);
                    out.writeDouble(slot.seasonal);
                    out.writeDouble(slot.deviation);
                    out.writeInt(slot.samples);
                    out.writeBoolean(slot.centered);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static HoltWinters decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not a Holt-Winters model");
            }
            HoltWintersParams p = new HoltWintersParams(in.readLong(), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readBoolean(),
                    in.readInt(), in.readInt(), in.readInt(), in.readBoolean(), in.readDouble(), in.readDouble(),
                    in.readDouble());
            HoltWintersState s = new HoltWintersState();
            s.started = in.readBoolean();
            s.warm = in.readBoolean();
            s.firstBucket = in.readLong();
            s.lastBucket = in.readLong();
            s.level = in.readDouble();
            s.trend = in.readDouble();
            s.warmupMean = in.readDouble();
            s.initialDeviation = in.readDouble();
            s.warmupCount = in.readLong();
            s.warmupSum = in.readDouble();
            s.warmupAbsStepSum = in.readDouble();
            s.previousValue = in.readDouble();
            s.violations = in.readLong();
            s.violationRun = in.readLong();
            s.updates = in.readLong();
            s.lastSeenMillis = in.readLong();
            ArraySlotStore slots = new ArraySlotStore(p.totalSlots());
            int written = in.readInt();
            for (int k = 0; k < written; k++) {
                int i = in.readInt();
                slots.slots[i] = new SeasonalSlot(in.readDouble(), in.readDouble(), in.readInt(), in.readBoolean());
            }
            return new HoltWinters(p, s, slots);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt Holt-Winters model", e);
        }
    }

    /** Slots in an array; {@link #get} hands out the stored object itself (no copy). */
    public static final class ArraySlotStore implements SlotStore {
        final SeasonalSlot[] slots;

        public ArraySlotStore(int size) {
            this.slots = new SeasonalSlot[size];
        }

        @Override
        public SeasonalSlot get(int index) {
            return slots[index];
        }

        @Override
        public void put(int index, SeasonalSlot slot) {
            slots[index] = slot;
        }
    }
}
