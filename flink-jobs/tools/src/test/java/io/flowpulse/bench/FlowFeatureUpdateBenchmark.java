package io.flowpulse.bench;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-packet flow feature update ({@link FlowStatistics#add}, the aggregator's per-packet work
 * without Flink state access) over the real packets of throughput-merged.pcap.gz, each packet
 * added to its own bidirectional flow. Score: packets per second, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlowFeatureUpdateBenchmark {
    static final int PACKETS = 100_000;

    long[] micros;
    boolean[] forward;
    int[] link;
    int[] ip;
    int[] l4;
    int[] payload;
    int[] flags;
    int[] window;
    int[] flow;
    FlowStatistics[] stats;
    int flowCount;

    @Setup(Level.Trial)
    public void load() {
        List<PacketEvent> packets = BenchData.packets(PACKETS);
        int n = packets.size();
        micros = new long[n];
        forward = new boolean[n];
        link = new int[n];
        ip = new int[n];
        l4 = new int[n];
        payload = new int[n];
        flags = new int[n];
        window = new int[n];
        flow = new int[n];
        FlowKeySelector keys = new FlowKeySelector();
        Map<String, Integer> index = new HashMap<>();
        Map<Integer, ByteBuffer> firstSrc = new HashMap<>();
        for (int i = 0; i < n; i++) {
            PacketEvent p = packets.get(i);
            int f = index.computeIfAbsent(keys.getKey(p), k -> index.size());
            ByteBuffer src = firstSrc.computeIfAbsent(f, k -> p.getSrcIp());
            flow[i] = f;
            forward[i] = src.equals(p.getSrcIp());
            micros[i] = p.getTimestampMicros();
            link[i] = p.getLinkLength();
            ip[i] = p.getIpLength();
            l4[i] = p.getL4HeaderLength();
            payload[i] = p.getPayloadLength();
            flags[i] = p.getTcpFlags();
            window[i] = p.getTcpWindow();
        }
        flowCount = index.size();
        freshFlows();
    }

    @Setup(Level.Iteration)
    public void freshFlows() {
        stats = new FlowStatistics[flowCount];
        for (int i = 0; i < flowCount; i++) {
            stats[i] = new FlowStatistics();
        }
    }

    /** One pass over the capture: every packet updates its flow's statistics. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long addPacket() {
        long sum = 0;
        long activity = FlowAggregatorParams.DEFAULT_ACTIVITY_TIMEOUT_MICROS;
        for (int i = 0; i < micros.length; i++) {
            FlowStatistics s = stats[flow[i]];
            s.add(micros[i], forward[i], link[i], ip[i], l4[i], payload[i], flags[i], window[i], activity);
            sum += s.packets();
        }
        return sum;
    }
}
