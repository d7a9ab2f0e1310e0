package io.flowpulse.cli;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.functions.FlowPacketKeySelector;
import io.flowpulse.functions.FlowStateSerializer;
import io.flowpulse.functions.SideOutputs;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.jobs.FlowpulseSinks;
import io.flowpulse.jobs.FlowpulseSources;
import io.flowpulse.jobs.FlowpulseTopology;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.RepeatedCaptureGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./flowpulse bench-flows}: throughput of reader (frame decoding) + {@link FlowFeatureAggregator}
 * on {@code throughput-merged.pcap.gz} repeated with time offsets, on a local cluster, per state
 * backend and per edge between reader and flow operator; or ({@code --kafka}) end to end through an
 * embedded broker: replay into {@code packets}, then the job's topology Kafka -> Kafka. Prints
 * packets/s, flows/s, process CPU, peak heap and RSS, and the state bytes of an open flow. Asserts nothing.
 */
@Command(name = "bench-flows", description = "benchmark pcap decoding + flow features (heap, RocksDB, through Kafka)")
public final class BenchFlowsCommand implements Callable<Integer> {
    @Option(names = "--state", paramLabel = "heap|rocksdb|both", description = "state backend (default both; with --kafka heap)")
    String state;

    @Option(names = "--edge", paramLabel = "keyby|chained|both", defaultValue = "both",
            description = "reader -> flow operator edge (default both): keyby = one reader subtask, keyBy over the network to P "
                    + "operator subtasks; chained = P reader subtasks, each replaying the flows of its key groups, flow operator "
                    + "chained to it (reinterpretAsKeyedStream)")
    String edge;

    @Option(names = "--kafka", description = "end to end: replay into an embedded broker, then the job Kafka -> Kafka")
    boolean kafka;

    @Option(names = "--packets", paramLabel = "N", defaultValue = "5000000", description = "packets to replay (default ${DEFAULT-VALUE})")
    long packetsOption;

    @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2", description = "flow operator parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--mini-batch", paramLabel = "N", description = "flows buffered between state writes (1 = write every packet)")
    int miniBatch = FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS;

    @Option(names = "--rocksdb-timers", paramLabel = "rocksdb|heap", defaultValue = "rocksdb",
            description = "where RocksDB keeps the event-time timers (default ${DEFAULT-VALUE}, Flink's default)")
    String rocksdbTimers;

    @Option(names = "--managed-memory", paramLabel = "SIZE", defaultValue = "256m",
            description = "TaskManager managed memory (RocksDB block cache + write buffers; default ${DEFAULT-VALUE})")
    String managedMemory;

    @Option(names = "--out-of-order-minutes", paramLabel = "N", defaultValue = "60", description = "default ${DEFAULT-VALUE}")
    long outOfOrderMinutes;

    @Option(names = "--pcap", paramLabel = "FILE", description = "capture (default ../shared/data/pcap/throughput-merged.pcap.gz)")
    Path pcapFile;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1 || packetsOption < 1 || miniBatch < 1) {
            throw UserError.usage("--parallelism, --packets and --mini-batch must be at least 1");
        }
        for (String[] choice : new String[][] {{"--state", state == null ? "both" : state, "heap", "rocksdb", "both"},
                {"--edge", edge, "keyby", "chained", "both"}, {"--rocksdb-timers", rocksdbTimers, "rocksdb", "heap", "heap"}}) {
            if (!List.of(choice).subList(2, choice.length).contains(choice[1])) {
                throw UserError.usage(choice[0] + " is " + String.join(" or ", new java.util.LinkedHashSet<>(
                        List.of(choice).subList(2, choice.length))) + ", got '" + choice[1] + "'");
            }
        }
        MemorySize memory;
        try {
            memory = MemorySize.parse(managedMemory);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--managed-memory: " + e.getMessage());
        }
        long packets = (packetsOption + parallelism - 1) / parallelism * parallelism;
        String pcap = InputFiles.capture(pcapFile != null ? pcapFile : Path.of(System.getProperty("flowpulse.shared.data",
                "../shared/data"), "pcap", "throughput-merged.pcap.gz"), "--pcap").toString();
        Settings settings = new Settings(pcap, packets, parallelism, miniBatch, memory, outOfOrderMinutes, rocksdbTimers);

        DecodeStats stats = new DecodeStats();
        List<PcapFrame> frames = RepeatedCaptureGenerator.decodableFrames(Path.of(pcap), stats);
        System.out.printf("capture %s: %d decodable packets (%s), repeated to %,d packets; parallelism %d, %d cores,"
                        + " mini-batch %,d flows, managed memory %s, RocksDB timers in %s%n",
                pcap, frames.size(), stats, packets, parallelism, Runtime.getRuntime().availableProcessors(),
                settings.miniBatch, settings.managedMemory, settings.rocksdbTimers);
        stateSize(frames);

        String st = state != null ? state : kafka ? "heap" : "both";
        List<String> backends = st.equals("both") ? List.of("heap", "rocksdb") : List.of(st);
        if (kafka) {
            for (String backend : backends) {
                runKafka(backend, settings);
            }
            return 0;
        }
        for (String e : edge.equals("both") ? List.of("keyby", "chained") : List.of(edge)) {
            for (String backend : backends) {
                runInMemory(backend, e, settings);
            }
        }
        return 0;
    }

    record Settings(String pcap, long packets, int parallelism, int miniBatch, MemorySize managedMemory,
            long outOfOrderMinutes, String rocksdbTimers) {}

    /** The benchmark's Flink configuration: state backend and managed memory (cluster settings, not job code). */
    private static Configuration flinkConf(String backend, Settings s) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, backend.equals("rocksdb") ? "rocksdb" : "hashmap");
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, s.managedMemory);
        conf.setString("state.backend.rocksdb.memory.managed", "true"); // block cache + write buffers in managed memory
        conf.setString("state.backend.rocksdb.timer-service.factory", s.rocksdbTimers.toUpperCase(java.util.Locale.ROOT));
        // no defensive copies between chained operators: every operator on the packet path emits new records
        conf.setString("pipeline.object-reuse", "true");
        return conf;
    }

    private static void runInMemory(String backend, String edge, Settings s) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf(backend, s));
        env.setParallelism(s.parallelism);
        env.setMaxParallelism(128);
        long gap = FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS + 1_000_000L;
        boolean chained = edge.equals("chained");
        DataGeneratorSource<FlowPacket> source = new DataGeneratorSource<>(
                new RepeatedCaptureGenerator(s.pcap, s.packets, gap, chained, 128), s.packets, FlowPacket.TYPE);
        DataStream<FlowPacket> packets = env.fromSource(source,
                        WatermarkStrategy.<FlowPacket>forBoundedOutOfOrderness(Duration.ofMinutes(s.outOfOrderMinutes))
                                .withTimestampAssigner((p, t) -> Math.floorDiv(p.timestampMicros, 1000)),
                        "repeated-capture")
                // keyby: one ordered packet stream, as from one capture point (deterministic flows)
                .setParallelism(chained ? s.parallelism : 1);
        SingleOutputStreamOperator<FlowFeatures> flows = chained
                ? FlowFeatureAggregator.apply(DataStreamUtils.reinterpretAsKeyedStream(packets,
                        new FlowPacketKeySelector(), FlowPacketKey.TYPE), FlowAggregatorParams.defaults(), s.miniBatch)
                : FlowFeatureAggregator.apply(packets, FlowAggregatorParams.defaults(), s.miniBatch);
        flows.name("flow-features");
        flows.map(new Count<>("flows")).sinkTo(new DiscardingSink<>());
        flows.getSideOutput(SideOutputs.LATE_PACKETS).map(new Count<>("late")).sinkTo(new DiscardingSink<>());

        Measure m = Measure.start();
        JobExecutionResult result = env.execute("bench-flows " + backend + " " + edge);
        m.stop();
        long flowCount = result.<Long>getAccumulatorResult("flows");
        long late = result.<Long>getAccumulatorResult("late");
        double jobSeconds = result.getNetRuntime() / 1000.0;
        System.out.printf("%-7s %-7s %,d packets in %.1f s wall (%.1f s job): %,.0f packets/s job (%,.0f wall),"
                        + " %,d flows (%,.0f flows/s job), %,d late; object reuse %s; %s%n",
                backend, edge, s.packets, m.seconds, jobSeconds, s.packets / jobSeconds, s.packets / m.seconds,
                flowCount, flowCount / jobSeconds, late, env.getConfig().isObjectReuseEnabled(), m.summary(s.packets));
    }

    /**
     * (c) End to end: the repeated capture is published to an embedded broker's {@code packets} topic
     * (2 partitions, key = flow key, the replayer's producer settings), then the job's topology
     * ({@link FlowpulseTopology}, packets -> flows only) reads it to the end (bounded Kafka source)
     * and writes {@code flows}. Both phases are timed separately.
     */
    private static void runKafka(String backend, Settings s) throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> jobMap = new LinkedHashMap<>();
            jobMap.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
            jobMap.put(JobOptions.GROUP_ID.key(), "bench-flows");
            jobMap.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
            jobMap.put(JobOptions.BOUNDED.key(), "true");
            jobMap.put(JobOptions.IDLENESS.key(), "30 s");
            jobMap.put(JobOptions.OUT_OF_ORDERNESS.key(), s.outOfOrderMinutes + " min");
            jobMap.put(JobOptions.FLOW_MINI_BATCH_FLOWS.key(), Integer.toString(s.miniBatch));
            Configuration jobConf = Configuration.fromMap(jobMap);
            String packetsTopic = jobConf.get(JobOptions.TOPIC_PACKETS);
            String flowsTopic = jobConf.get(JobOptions.TOPIC_FLOWS);
            kafka.createTopics(s.parallelism, List.of(packetsTopic, flowsTopic, jobConf.get(JobOptions.TOPIC_DEAD_LETTERS)));

            // ---- replay (what ./flowpulse replay --max does, over the repeated capture) ----
            RepeatedCaptureGenerator generator = new RepeatedCaptureGenerator(s.pcap, s.packets,
                    FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS + 1_000_000L);
            generator.open(0, 1);
            FlowKeySelector keys = new FlowKeySelector();
            Measure replay = Measure.start();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PacketReplayProducer.properties(bootstrap))) {
                for (long i = 0; i < s.packets; i++) {
                    PacketEvent p = generator.map(i).toPacketEvent();
                    producer.send(new ProducerRecord<>(packetsTopic, null, null,
                            keys.getKey(p).getBytes(StandardCharsets.UTF_8), Codecs.PACKET_EVENT.encode(p)));
                }
                producer.flush();
            }
            replay.stop();
            System.out.printf("kafka   replay  %,d packets into %s (%d partitions) in %.1f s: %,.0f packets/s; %s%n",
                    s.packets, packetsTopic, s.parallelism, replay.seconds, s.packets / replay.seconds,
                    replay.summary(s.packets));

            // ---- the job: Kafka packets -> FlowFeatureAggregator -> Kafka flows ----
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConf(backend, s));
            env.setParallelism(s.parallelism);
            env.setMaxParallelism(128);
            FlowpulseSources sources = new FlowpulseSources(
                    io.flowpulse.sources.KafkaSources.raw(jobConf, JobOptions.TOPIC_PACKETS), null, null, null);
            FlowpulseSinks all = FlowpulseJob.kafkaSinks(jobConf);
            FlowpulseSinks sinks = new FlowpulseSinks(all.flows(), null, null, null, all.deadLetters(),
                    null, null, null, null);
            FlowpulseTopology.defineWorkflow(env, sources, sinks, jobConf);
            Measure job = Measure.start();
            JobExecutionResult result = env.execute("bench-flows kafka " + backend);
            job.stop();
            long flows;
            try (TopicReader<FlowFeatures> reader = new TopicReader<>(bootstrap, flowsTopic, Codecs.FLOW_FEATURES)) {
                flows = reader.endOffsetTotal();
            }
            double jobSeconds = result.getNetRuntime() / 1000.0;
            System.out.printf("kafka   job     %-7s %,d packets Kafka -> flows in %.1f s wall (%.1f s job): %,.0f packets/s job"
                            + " (%,.0f wall), %,d flows (%,.0f flows/s job); %s%n",
                    backend, s.packets, job.seconds, jobSeconds, s.packets / jobSeconds, s.packets / job.seconds,
                    flows, flows / jobSeconds, job.summary(s.packets));
        }
    }

    /**
     * Serialized bytes (what RocksDB stores per flow) and heap bytes of the flow state, measured on
     * the flows of one pass over the capture (all packets of a 5-tuple in one state: the largest an
     * open flow's state gets, first-packet slots full for flows of >= 30 packets).
     */
    static void stateSize(List<PcapFrame> frames) throws Exception {
        PacketDecoder decoder = new PacketDecoder(new DecodeStats(), null);
        Runtime rt = Runtime.getRuntime();
        int copies = 10;
        List<Map<FlowPacketKey, FlowFeatureAggregator.FlowState>> maps = new ArrayList<>();
        long before = usedHeapAfterGc(rt);
        for (int c = 0; c < copies; c++) {
            maps.add(FlowFeatureAggregator.statesOf(frames.stream().map(decoder::decodePacket).toList(),
                    FlowAggregatorParams.defaults()));
        }
        long after = usedHeapAfterGc(rt);
        int flows = maps.get(0).size();
        DataOutputSerializer out = new DataOutputSerializer(4096);
        long total = 0;
        int max = 0;
        int min = Integer.MAX_VALUE;
        for (FlowFeatureAggregator.FlowState st : maps.get(0).values()) {
            out.clear();
            FlowStateSerializer.INSTANCE.serialize(st, out);
            total += out.length();
            max = Math.max(max, out.length());
            min = Math.min(min, out.length());
        }
        System.out.printf("state per open flow (%,d flows of one pass): serialized %d-%d bytes, mean %d (+ %d bytes key);"
                        + " on the heap ~%,d bytes (state objects + key + map entry, measured over %,d flows)%n",
                flows, min, max, total / flows, 16, (after - before) / ((long) flows * copies), (long) flows * copies);
        maps.clear();
    }

    private static long usedHeapAfterGc(Runtime rt) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Wall time, process CPU time, load, peak heap and RSS of one phase. */
    static final class Measure {
        long t0;
        long cpu0;
        double seconds;
        double cpuSeconds;

        static Measure start() {
            System.gc();
            resetPeaks();
            Measure m = new Measure();
            m.t0 = System.nanoTime();
            m.cpu0 = processCpuNanos();
            return m;
        }

        void stop() {
            seconds = (System.nanoTime() - t0) / 1e9;
            cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        }

        String summary(long packets) {
            return String.format("process CPU %.1f s (%,.0f packets per CPU-second), load average %.1f,"
                            + " peak heap %,d MB, peak RSS %s MB",
                    cpuSeconds, packets / cpuSeconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    peakHeapBytes() >> 20, peakRssMb());
        }
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
