package io.flowpulse.cli;

import com.amazon.randomcutforest.parkservices.state.RCFCasterMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowpulse.ml.detectors.AnomalyDetector;
import io.flowpulse.ml.detectors.HoltWinters;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.ml.detectors.HoltWintersState;
import io.flowpulse.ml.detectors.RandomCutForestDetector;
import io.flowpulse.ml.detectors.SeasonalSlot;
import io.flowpulse.ml.detectors.StlResidualDetector;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * {@code ./flowpulse benchmark-detectors [--points N]}: single-thread figures for each detector on
 * a synthetic seasonal 5-minute series: points scored per second (after a JIT warm-up run), time
 * to fit a model from 4 weeks of 5-minute points (8,064: a fresh Holt-Winters / forest fed all of
 * them, one STL refit of a full history), and bytes of per-key state.
 */
@Command(name = "benchmark-detectors", description = "points/s, fit time for 8,064 points and state bytes per detector (one core)")
public class BenchmarkDetectorsCommand implements Callable<Integer> {
    static final long FIVE_MINUTES = 300_000L;
    static final int FOUR_WEEKS = 8064;
    static final long START = 1_767_571_200_000L;

    @Option(names = "--points", paramLabel = "N", defaultValue = "2000000", description = "points for Holt-Winters; the others use N/20 (default ${DEFAULT-VALUE})")
    int points;

    @Override
    public Integer call() throws Exception {
        if (points < 1) {
            throw UserError.usage("--points must be at least 1");
        }
        double[] series = series(Math.max(points, FOUR_WEEKS));
        System.out.println("detector            points/s   fit 8,064 pts (ms)   state bytes per key");

        Supplier<AnomalyDetector> hw = () -> new HoltWinters(HoltWintersParams.forBucket(FIVE_MINUTES));
        double hwRate = rate(hw, series, points);
        double hwFit = fitMillis(hw, series);
        HoltWinters fitted = (HoltWinters) hw.get();
        feed(fitted, series, FOUR_WEEKS);
        HoltWintersParams p30 = HoltWintersParams.defaults();
        System.out.printf(Locale.ROOT, "%-18s %10.0f %20.2f   %s%n", HoltWinters.ID, hwRate, hwFit,
                "encoded model (5-min buckets, 288+2016 slots) " + fitted.encode().length
                        + "; Flink state for 30-min buckets: scalars " + pojoBytes(HoltWintersState.class,
                        new HoltWintersState()) + " + " + p30.totalSlots() + " slots x "
                        + pojoBytes(SeasonalSlot.class, new SeasonalSlot(1, 1, 1, true)) + " (MapState values)");

        int rcfPoints = Math.max(FOUR_WEEKS, points / 20);
        Supplier<AnomalyDetector> rcf = RandomCutForestDetector::defaults;
        double rcfRate = rate(rcf, series, rcfPoints);
        double rcfFit = fitMillis(rcf, series);
        RandomCutForestDetector rcfFitted = RandomCutForestDetector.defaults();
        feed(rcfFitted, series, FOUR_WEEKS);
        RCFCasterMapper mapper = new RCFCasterMapper();
        int rcfBytes = new ObjectMapper().writeValueAsBytes(mapper.toState(rcfFitted.model())).length;
        long roundTrips = 20;
        long started = System.nanoTime();
        for (int i = 0; i < roundTrips; i++) {
            rcfFitted = RandomCutForestDetector.decode(rcfFitted.encode());
        }
        double roundTripMillis = (System.nanoTime() - started) / 1e6 / roundTrips;
        System.out.printf(Locale.ROOT, "%-18s %10.0f %20.2f   %d (RCFCasterMapper state as JSON, %d trees, sample %d;"
                        + " encode+decode %.1f ms, paid per bucket by PortRcfDetector)%n",
                RandomCutForestDetector.ID, rcfRate, rcfFit, rcfBytes, RandomCutForestDetector.DEFAULT_TREES,
                RandomCutForestDetector.DEFAULT_SAMPLE_SIZE, roundTripMillis);

        Supplier<AnomalyDetector> stl = () -> StlResidualDetector.forBucket(FIVE_MINUTES);
        double stlRate = rate(stl, series, rcfPoints);
        StlResidualDetector stlFitted = StlResidualDetector.forBucket(FIVE_MINUTES);
        feed(stlFitted, series, FOUR_WEEKS);
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            stlFitted.refit(Math.floorDiv(START, FIVE_MINUTES) + FOUR_WEEKS - 1);
            best = Math.min(best, stlFitted.lastRefitNanos());
        }
        System.out.printf(Locale.ROOT, "%-18s %10.0f %20.2f   %d (history of %d doubles + %d seasonal slots)%n",
                StlResidualDetector.ID, stlRate, best / 1e6, 8 * (StlResidualDetector.DEFAULT_HISTORY_POINTS + 288),
                StlResidualDetector.DEFAULT_HISTORY_POINTS, 288);
        System.out.println("(points/s includes the daily STL refits; STL fit = best of 10 refits of 8,064 points)");
        return 0;
    }

    static double[] series(int n) {
        Random random = new Random(11);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double hour = (i % 288) / 12.0;
            v[i] = 1e6 + 4e5 * Math.sin(2 * Math.PI * (hour - 6) / 24) + 2e4 * random.nextGaussian()
                    + (random.nextInt(2000) == 0 ? 5e5 : 0);
        }
        return v;
    }

    static long feed(AnomalyDetector d, double[] series, int n) {
        long flagged = 0;
        for (int i = 0; i < n; i++) {
            flagged += d.update(START + i * FIVE_MINUTES, series[i % series.length]).anomalous() ? 1 : 0;
        }
        return flagged;
    }

    static double rate(Supplier<AnomalyDetector> factory, double[] series, int n) {
        feed(factory.get(), series, Math.min(n, 200_000)); // JIT warm-up
        long started = System.nanoTime();
        long sink = feed(factory.get(), series, n);
        double seconds = (System.nanoTime() - started) / 1e9;
        if (sink < 0) {
            System.out.println(sink);
        }
        return n / seconds;
    }

    static double fitMillis(Supplier<AnomalyDetector> factory, double[] series) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long started = System.nanoTime();
            feed(factory.get(), series, FOUR_WEEKS);
            best = Math.min(best, (System.nanoTime() - started) / 1e6);
        }
        return best;
    }

    static <T> int pojoBytes(Class<T> type, T value) throws Exception {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return out.length();
    }
}
