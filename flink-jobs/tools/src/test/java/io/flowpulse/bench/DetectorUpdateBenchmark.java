package io.flowpulse.bench;

import io.flowpulse.ml.detectors.AnomalyDetector;
import io.flowpulse.ml.detectors.Detectors;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One detector update (score the point, then learn it) per call, for each per-port detector, after
 * four weeks of 5-minute warm-up points of a daily-seasonal series with rare spikes. STL's daily
 * refit happens inside {@code update} and is amortized into the score. Score: points per second,
 * one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectorUpdateBenchmark {
    static final long FIVE_MINUTES = 300_000L;
    static final int WARM_UP_POINTS = 28 * 288;

    @Param({"robust-band", "holt-winters", "stl", "random-cut-forest"})
    public String detector;

    AnomalyDetector d;
    double[] series;
    long t;
    int i;

    @Setup(Level.Trial)
    public void warmUp() {
        Random random = new Random(11);
        series = new double[288 * 56];
        for (int k = 0; k < series.length; k++) {
            double hour = (k % 288) / 12.0;
            series[k] = 1e6 + 4e5 * Math.sin(2 * Math.PI * (hour - 6) / 24) + 2e4 * random.nextGaussian()
                    + (random.nextInt(2000) == 0 ? 5e5 : 0);
        }
        d = Detectors.create(detector, FIVE_MINUTES, Map.of());
        t = 1_793_577_600_000L;
        for (i = 0; i < WARM_UP_POINTS; i++) {
            d.update(t, series[i]);
            t += FIVE_MINUTES;
        }
    }

    @Benchmark
    public double update() {
        double v = series[i % series.length];
        i++;
        t += FIVE_MINUTES;
        return d.update(t, v).expected();
    }
}
