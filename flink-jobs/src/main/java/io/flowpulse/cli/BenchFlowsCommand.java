package io.flowpulse.cli;

import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.functions.SideOutputs;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.RepeatedCaptureGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;

/**
 * {@code ./flowpulse bench-flows [--state heap|rocksdb|both] [--packets N]}: throughput of reader
 * (frame decoding) + {@link FlowFeatureAggregator} on {@code throughput-merged.pcap.gz} repeated with
 * time offsets, on a local cluster, per state backend: packets/s, flows/s, late packets, peak heap and
 * peak RSS, and the serialized state bytes of an open flow. Prints figures; asserts nothing.
 */
public final class BenchFlowsCommand implements Command {
    @Override
    public String name() {
        return "bench-flows";
    }

    @Override
    public String summary() {
        return "benchmark pcap decoding + flow features with heap and RocksDB state";
    }

    @Override
    public int run(String[] args) throws Exception {
        String state = "both";
        long packets = 5_000_000L;
        int parallelism = 2;
        long outOfOrderMinutes = 60;
        String pcap = System.getProperty("flowpulse.shared.data", "../shared/data") + "/pcap/throughput-merged.pcap.gz";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help") || i + 1 >= args.length) {
                System.err.println("usage: ./flowpulse bench-flows [--state heap|rocksdb|both] [--packets N]"
                        + " [--parallelism P] [--pcap FILE]");
                return a.equals("-h") || a.equals("--help") ? 0 : 2;
            }
            String v = args[++i];
            switch (a) {
                case "--state" -> state = v;
                case "--packets" -> packets = Long.parseLong(v.replace("_", ""));
                case "--parallelism" -> parallelism = Integer.parseInt(v);
                case "--pcap" -> pcap = v;
                case "--out-of-order-minutes" -> outOfOrderMinutes = Long.parseLong(v);
                default -> {
                    System.err.println("unknown option " + a);
                    return 2;
                }
            }
        }
        packets = (packets + parallelism - 1) / parallelism * parallelism;
        DecodeStats stats = new DecodeStats();
        List<PcapFrame> frames = RepeatedCaptureGenerator.decodableFrames(Path.of(pcap), stats);
        System.out.printf("capture %s: %d decodable packets (%s), repeated to %,d packets; parallelism %d, %d cores%n",
                pcap, frames.size(), stats, packets, parallelism, Runtime.getRuntime().availableProcessors());
        System.out.printf("serialized state of an open flow: %d bytes (flow POJO) + 8 bytes per stored first packet (<= %d)%n",
                flowStateBytes(frames), FlowAggregatorParams.DEFAULT_FIRST_PACKETS);
        for (String backend : state.equals("both") ? List.of("heap", "rocksdb") : List.of(state)) {
            runOnce(backend, pcap, packets, parallelism, outOfOrderMinutes);
        }
        return 0;
    }

    private static void runOnce(String backend, String pcap, long packets, int parallelism, long outOfOrderMinutes)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend.equals("rocksdb") ? "rocksdb" : "hashmap");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.getConfig().enableObjectReuse(); // no defensive copies between chained operators
        DataGeneratorSource<PacketEvent> source = new DataGeneratorSource<>(
                new RepeatedCaptureGenerator(pcap, packets, 1, FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS + 1_000_000L),
                packets, new AvroTypeInfo<>(PacketEvent.class));
        SingleOutputStreamOperator<FlowFeatures> flows = env.fromSource(source,
                        WatermarkStrategy.<PacketEvent>forBoundedOutOfOrderness(Duration.ofMinutes(outOfOrderMinutes))
                                .withTimestampAssigner((p, t) -> Math.floorDiv(p.getTimestampMicros(), 1000)),
                        "repeated-capture")
                .setParallelism(1) // one ordered packet stream, as from one capture point: deterministic flows
                .keyBy(new FlowKeySelector())
                .process(new FlowFeatureAggregator(FlowAggregatorParams.defaults()))
                .name("flow-features");
        flows.map(new Count<>("flows")).sinkTo(new DiscardingSink<>());
        flows.getSideOutput(SideOutputs.LATE_PACKETS).map(new Count<>("late")).sinkTo(new DiscardingSink<>());

        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        JobExecutionResult result = env.execute("bench-flows " + backend);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        long flowCount = result.<Long>getAccumulatorResult("flows");
        long late = result.<Long>getAccumulatorResult("late");
        double jobSeconds = result.getNetRuntime() / 1000.0;
        System.out.printf("%-8s %,d packets in %.1f s wall (%.1f s job runtime): %,.0f packets/s wall, %,.0f packets/s job,"
                        + " %,d flows (%,.0f flows/s job), %,d late packets;"
                        + " process CPU %.1f s (%,.0f packets per CPU-second, load average %.1f);"
                        + " peak heap %,d MB, peak RSS %s MB%n",
                backend, packets, seconds, jobSeconds, packets / seconds, packets / jobSeconds, flowCount,
                flowCount / jobSeconds, late,
                cpuSeconds, packets / cpuSeconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                peakHeapBytes() >> 20, peakRssMb());
    }

    /** Serialized size of a realistic open flow's POJO state (TCP flow after 20 packets). */
    static int flowStateBytes(List<PcapFrame> frames) throws Exception {
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), "bench-capture-file.pcap");
        FlowFeatureAggregator.FlowState s = new FlowFeatureAggregator.FlowState();
        PacketEvent first = null;
        int added = 0;
        for (PcapFrame f : frames) {
            PacketEvent p = decoder.decode(f);
            if (p == null || p.getProtocol() != 6) {
                continue;
            }
            if (first == null) {
                first = p;
                s.srcIp = new byte[p.getSrcIp().remaining()];
                s.dstIp = new byte[p.getDstIp().remaining()];
                s.source = p.getSourceId();
            }
            s.stats.add(p.getTimestampMicros(), added % 2 == 0, p.getLinkLength(), p.getIpLength(), p.getL4HeaderLength(),
                    p.getPayloadLength(), p.getTcpFlags(), p.getTcpWindow(), 5_000_000L);
            if (++added == 20) {
                break;
            }
        }
        TypeInformation<FlowFeatureAggregator.FlowState> info = TypeExtractor.getForClass(FlowFeatureAggregator.FlowState.class);
        TypeSerializer<FlowFeatureAggregator.FlowState> serializer = info.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(2048);
        serializer.serialize(s, out);
        return out.length();
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // resets VmHWM (peak RSS) on Linux
        } catch (Exception ignored) {
            // not Linux or not permitted: peak RSS is then since process start
        }
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return String.format("%,d", Long.parseLong(line.replaceAll("\\D", "")) >> 10);
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return "n/a";
    }

    /** Counts records into a named accumulator (chained, so nearly free). */
    static final class Count<T> extends RichMapFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final String name;
        private transient LongCounter counter;

        Count(String name) {
            this.name = name;
        }

        @Override
        public void open(OpenContext openContext) {
            counter = new LongCounter();
            getRuntimeContext().addAccumulator(name, counter);
        }

        @Override
        public T map(T value) {
            counter.add(1);
            return value;
        }
    }
}
