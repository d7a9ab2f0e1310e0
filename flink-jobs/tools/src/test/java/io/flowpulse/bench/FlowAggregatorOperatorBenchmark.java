package io.flowpulse.bench;

import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.FlowPacketKeySelector;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.sources.pcap.RepeatedCaptureGenerator;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The flow operator's own work per packet ({@link FlowFeatureAggregator} on the heap backend in a
 * keyed harness: state, timers, flow statistics, emission), without the network stack and record
 * deserialization around it in a job. Input: throughput-merged.pcap.gz repeated with time offsets
 * (as {@code bench --scenario packets}), a watermark 5 s behind every {@value #WATERMARK_EVERY}
 * packets. Emitted records are counted and dropped, not copied. Score: ns per packet, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class FlowAggregatorOperatorBenchmark {
    static final int PACKETS = 1_000_000;
    static final int WATERMARK_EVERY = 20_000;

    @Param({"10000"})
    public int miniBatchFlows;

    FlowPacket[] packets;
    long flows;

    @Setup(Level.Trial)
    public void load() {
        RepeatedCaptureGenerator gen = new RepeatedCaptureGenerator(
                BenchData.shared().resolve("pcap/throughput-merged.pcap.gz").toString(), PACKETS,
                FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS + 1_000_000L);
        gen.open(0, 1);
        packets = new FlowPacket[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            packets[i] = gen.map((long) i);
        }
    }

    /** All packets through a new operator, then the end-of-input watermark; returns the flows emitted. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long packets() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new FlowFeatureAggregator(FlowAggregatorParams.defaults(), miniBatchFlows), new FlowPacketKeySelector(),
                FlowPacketKey.TYPE)) {
            h.setup(new NoCopy(TypeInformation.of(FlowFeatures.class).createSerializer(new SerializerConfigImpl())));
            h.open();
            long emitted = 0;
            for (int i = 0; i < packets.length; i++) {
                FlowPacket p = packets[i];
                h.processElement(new StreamRecord<>(p, Math.floorDiv(p.timestampMicros, 1000)));
                if (i % WATERMARK_EVERY == WATERMARK_EVERY - 1) {
                    h.processWatermark(new Watermark(Math.floorDiv(p.timestampMicros, 1000) - 5_000));
                    emitted += h.getOutput().size();
                    h.getOutput().clear();
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            emitted += h.getOutput().size();
            h.getOutput().clear();
            flows = emitted;
            return emitted;
        }
    }

    /**
     * Without JMH, for a shared machine: CPU time of this thread per packet (so other processes'
     * load counts less than in wall time), each of {@code args[0]} rounds (default 8) after 3 unmeasured.
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        FlowAggregatorOperatorBenchmark b = new FlowAggregatorOperatorBenchmark();
        b.miniBatchFlows = args.length > 1 ? Integer.parseInt(args[1]) : FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS;
        b.load();
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        StringBuilder all = new StringBuilder();
        for (int r = -3; r < rounds; r++) {
            long cpu = mx.getCurrentThreadCpuTime();
            long bytes = mx.getThreadAllocatedBytes(tid);
            long flows = b.packets();
            double ns = (mx.getCurrentThreadCpuTime() - cpu) / (double) PACKETS;
            double allocated = (mx.getThreadAllocatedBytes(tid) - bytes) / (double) PACKETS;
            if (r >= 0) {
                all.append(String.format(" %.0f", ns));
            }
            System.out.printf("round %d: %.0f ns cpu/packet, %.0f bytes allocated/packet, %d flows%n", r, ns, allocated, flows);
        }
        System.out.println("cpu ns/packet:" + all);
    }

    /** The harness copies every output record through its serializer: this one hands it on as is. */
    static final class NoCopy extends TypeSerializer<FlowFeatures> {
        private static final long serialVersionUID = 1L;
        private final TypeSerializer<FlowFeatures> inner;

        NoCopy(TypeSerializer<FlowFeatures> inner) {
            this.inner = inner;
        }

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public TypeSerializer<FlowFeatures> duplicate() {
            return this;
        }

        @Override
        public FlowFeatures createInstance() {
            return inner.createInstance();
        }

        @Override
        public FlowFeatures copy(FlowFeatures from) {
            return from;
        }

        @Override
        public FlowFeatures copy(FlowFeatures from, FlowFeatures reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(FlowFeatures record, DataOutputView target) throws IOException {
            inner.serialize(record, target);
        }

        @Override
        public FlowFeatures deserialize(DataInputView source) throws IOException {
            return inner.deserialize(source);
        }

        @Override
        public FlowFeatures deserialize(FlowFeatures reuse, DataInputView source) throws IOException {
            return inner.deserialize(reuse, source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            inner.copy(source, target);
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof NoCopy n && n.inner.equals(inner);
        }

        @Override
        public int hashCode() {
            return inner.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<FlowFeatures> snapshotConfiguration() {
            return inner.snapshotConfiguration();
        }
    }
}
