package io.flowpulse.cli;

import io.flowpulse.functions.PortAnomalyDetector;
import io.flowpulse.functions.PortPointKeySelector;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code ./flowpulse bench-port-keys [--keys 100000] [--buckets 72] [--state rocksdb|heap]}: the
 * per-port Holt-Winters operator over many keys on a local cluster, in event-time order (every
 * key's bucket b before any key's bucket b+1), printing points/s, peak heap and RSS and the
 * largest size the RocksDB directory reached.
 */
@Command(name = "bench-port-keys",
        description = {"per-port detector over many keys with RocksDB state: speed and memory",
                "Takes minutes at --keys 100000; give the number of keys explicitly."})
public final class BenchPortKeysCommand implements Callable<Integer> {
    @Option(names = "--keys", required = true, paramLabel = "N", description = "port keys (e.g. 100000: a few minutes)")
    int keys;

    @Option(names = "--buckets", paramLabel = "N", defaultValue = "72", description = "30-minute buckets per key (default ${DEFAULT-VALUE})")
    int buckets;

    @Option(names = "--state", paramLabel = "rocksdb|heap", defaultValue = "rocksdb", description = "state backend (default ${DEFAULT-VALUE})")
    StateBackendChoice state;

    @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2", description = "default ${DEFAULT-VALUE}")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (keys < 1 || buckets < 1 || parallelism < 1) {
            throw UserError.usage("--keys, --buckets and --parallelism must be at least 1");
        }
        long bucketMillis = Duration.ofMinutes(30).toMillis();
        long start = 1_793_577_600_000L; // 2026-11-02T00:00Z
        Path dbDir = Files.createTempDirectory("flowpulse-bench-rocksdb");
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", state == StateBackendChoice.rocksdb ? "rocksdb" : "hashmap");
        conf.setString("state.backend.rocksdb.localdir", dbDir.toString());
        conf.setString("taskmanager.memory.managed.size", "512m");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        long total = (long) keys * buckets;
        final int k = keys;
        DataGeneratorSource<PortPoint> source = new DataGeneratorSource<>(i -> {
            long b = i / k;
            int key = (int) (i % k);
            long end = start + (b + 1) * bucketMillis;
            double daily = Math.sin(((b % 48) / 48.0) * 2 * Math.PI);
            double v = 1e8 * (1.5 + daily) * (1 + (key % 13) / 13.0) + ((i * 2654435761L) % 1000_000);
            return PortPoint.newBuilder().setDevice("dev-" + (key / 100)).setPort("p" + (key % 100))
                    .setDirection(Direction.IN).setBucketStartMillis(end - bucketMillis).setBucketEndMillis(end)
                    .setBytes(v).setSampleCount(6).setFilled(false).setClippedBytes(v).build();
        }, total, TypeInformation.of(PortPoint.class));
        env.fromSource(source, WatermarkStrategy.<PortPoint>forMonotonousTimestamps()
                        .withTimestampAssigner((p, t) -> p.getBucketEndMillis()), "synthetic port points")
                .setParallelism(1)
                .keyBy(new PortPointKeySelector())
                .process(new PortAnomalyDetector(HoltWintersParams.defaults()))
                .sinkTo(new DiscardingSink<AnomalyScore>());
        AtomicLong maxDb = new AtomicLong();
        AtomicLong maxHeap = new AtomicLong();
        Thread probe = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                maxDb.accumulateAndGet(size(dbDir), Math::max);
                Runtime rt = Runtime.getRuntime();
                maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(500); // sampling interval of the memory probe
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "memory-probe");
        probe.setDaemon(true);
        probe.start();
        long t0 = System.nanoTime();
        JobExecutionResult r = env.execute("bench-port-keys " + state);
        double secs = (System.nanoTime() - t0) / 1e9;
        probe.interrupt();
        System.out.printf("%s state, %,d keys x %d buckets = %,d points: wall %.1f s, job %.1f s, %,.0f points/s (job time)%n",
                state, keys, buckets, total, secs, r.getNetRuntime() / 1000.0, total / (r.getNetRuntime() / 1000.0));
        System.out.printf("peak heap %,d MB, peak RSS %,d MB, max RocksDB directory %,d MB (%,.0f bytes per key)%n",
                maxHeap.get() >> 20, rssMb(), maxDb.get() >> 20, (double) maxDb.get() / keys);
        return 0;
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (Exception e) {
                    return 0;
                }
            }).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
