package io.flowpulse.cli;

import io.flowpulse.functions.BatchedClassifierOperator;
import io.flowpulse.functions.BroadcastStates;
import io.flowpulse.functions.FlowClassifierFunction;
import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse bench-sequence-model --model CNN.avro --dataset SEQ.csv --label-column C}:
 * serving throughput of a packet-sequence model, (a) the model alone, batched, on one thread, and
 * (b) in a Flink job on a local cluster: flows (built from the table's rows, first packets in the
 * flow record's arrays, as the flow operator emits them) through the job's classifier operator
 * ({@link BatchedClassifierOperator}, the signed model on its broadcast input) at the given
 * parallelism, timed between the first and the last classification.
 */
@Command(name = "bench-sequence-model",
        description = "serving throughput of a packet-sequence model: alone (batched, one thread) and in the job's classifier operator")
public final class BenchSequenceModelCommand implements Callable<Integer> {
    static final AtomicLong COUNT = new AtomicLong();
    static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong LAST = new AtomicLong();
    static final AtomicLong CPU_FIRST = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong CPU_LAST = new AtomicLong();
    /** Classifications so far (all subtasks) and when the warm-up ended (wall and process CPU ns). */
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicLong WARM = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong CPU_WARM = new AtomicLong(Long.MAX_VALUE);
    static volatile long warmupFlows;

    @Option(names = "--model", paramLabel = "CNN.avro", description = "signed packet-sequence model (search-architecture);"
            + " without it, --architecture is trained for one epoch on the dataset first (serving cost depends on the"
            + " architecture, not on the weights) and signed with a throw-away key")
    Path modelFile;

    /** The network search-architecture chose on UCDavis QUIC (BENCHMARKS.md, issue 17). */
    static final String SEARCHED = "n=16 blocks=64k3avg,32k5max convs=1 global=max dense=64";

    @Option(names = "--architecture", paramLabel = "SPEC", defaultValue = SEARCHED,
            description = "architecture trained when no --model is given (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = "--dataset", required = true, paramLabel = "SEQ.csv[.gz]", description = "flows with packet-sequence columns"
            + " (size_i, iat_ms_i), or a per-packet table as sequence-features reads (converted first)")
    Path dataset;

    @Option(names = "--label-column", required = true, paramLabel = "C", description = "the label column")
    String labelColumn;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "256", description = "flows per batch (default ${DEFAULT-VALUE})")
    int batchOption;

    @Option(names = "--flows", paramLabel = "N", defaultValue = "1000000", description = "flows through the job (default ${DEFAULT-VALUE})")
    long total;

    @Option(names = "--warmup-flows", paramLabel = "N", description = "flows classified before the steady-state window starts"
            + " (JIT compilation of the job's code paths takes CPU seconds at first; default: a fifth of --flows)")
    Long warmup;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "job parallelism (default ${DEFAULT-VALUE})")
    int parallelism;

    @Option(names = "--summary-features", paramLabel = "N", defaultValue = "0",
            description = "summary features per flow record besides the packet arrays (the flow operator emits ~80; they cost"
                    + " Avro (de)serialization on the edge into the classifier, not model time) (default ${DEFAULT-VALUE})")
    int summaryFeatures;

    @Option(names = "--object-reuse", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "pipeline.object-reuse, as README recommends for deployments (default ${DEFAULT-VALUE})")
    boolean objectReuse;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "5", description = "duration of the model-alone run (default ${DEFAULT-VALUE})")
    long seconds;

    @Mixin
    SigningKeyOptions signing;

    /** CPU time of this process (all threads), ns. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    @Override
    public Integer call() throws Exception {
        double loadAtStart = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        InputFiles.existingFile(dataset, "--dataset");
        byte[] key;
        ModelUpdate u;
        ClassifierModel model;
        if (modelFile != null) {
            key = signing.key();
            u = InputFiles.modelUpdate(modelFile, "--model");
            model = InputFiles.classifier(u, modelFile);
        } else {
            key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            io.flowpulse.ml.sequence.CnnArchitecture a;
            try {
                a = io.flowpulse.ml.sequence.CnnArchitecture.parse(architecture);
            } catch (IllegalArgumentException e) {
                throw UserError.usage("--architecture: " + e.getMessage());
            }
            dataset = sequenceTable(dataset, a.inputLength);
            LabelledTable train = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, a.featureNames()).subsample(2000, 1);
            long t0 = System.nanoTime();
            io.flowpulse.ml.sequence.SequenceCnnModel cnn = io.flowpulse.ml.sequence.SequenceCnnTrainer.train(train, a,
                    new io.flowpulse.ml.sequence.SequenceCnnTrainer.Params(1, 64, 0.003f, 1));
            byte[] payload = cnn.encode();
            u = ModelUpdate.newBuilder().setModelId("bench-seq-cnn").setKind(io.flowpulse.records.ModelKind.FLOW_CLASSIFIER)
                    .setVersion(1).setCreatedMillis(System.currentTimeMillis()).setFormat(cnn.format())
                    .setPayload(ByteBuffer.wrap(payload)).setSignature(ByteBuffer.wrap(new io.flowpulse.ml.classify.ModelSigner(key)
                            .sign("bench-seq-cnn", "FLOW_CLASSIFIER", 1, cnn.format(), payload)))
                    .build();
            model = cnn;
            System.out.printf("trained %s for one epoch on %,d flows (%.1f s): %,d parameters, %,d MACs per flow%n", a, train.size(),
                    (System.nanoTime() - t0) / 1e9, cnn.parameterCount(), a.macsPerFlow(cnn.labels().size()));
        }
        if (!(model instanceof io.flowpulse.ml.sequence.SequenceCnnModel)) {
            throw UserError.input("not a packet-sequence model: " + u.getFormat() + " (use bench-classifier)");
        }
        if (((io.flowpulse.ml.sequence.SequenceCnnModel) model).architecture().bytePackets > 0) {
            throw UserError.input("this bench replays size/IAT sequences; the model also takes first bytes ("
                    + ((io.flowpulse.ml.sequence.SequenceCnnModel) model).architecture() + ")");
        }
        LabelledTable data = InputFiles.labelledCsv(dataset, "--dataset", labelColumn, model.featureSchema().names());
        int batch = batchOption;
        List<String> names = model.featureSchema().names();
        double[][] xs = data.rows.toArray(new double[0][]);

        // (a) the model alone
        double[][] in = new double[batch][];
        double[][] out = new double[batch][model.labels().size()];
        for (int pass = 0; pass < 2; pass++) {
            long n = 0;
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            long end = t0 + (pass == 0 ? 1 : seconds) * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int start = 0; start + batch <= xs.length; start += batch) {
                    System.arraycopy(xs, start, in, 0, batch);
                    model.predictProbaBatch(in, batch, out);
                    n += batch;
                }
            }
            if (pass == 1) {
                System.out.printf("model %s (%s, %d inputs, %d classes), batches of %d, one thread: %,.0f flows/s wall,"
                        + " %,.0f flows per CPU second%n", u.getModelId(), u.getFormat(), names.size(), model.labels().size(), batch,
                        n / ((System.nanoTime() - t0) / 1e9), n / ((processCpuNanos() - cpu0) / 1e9));
            }
        }

        // (b) in a job
        List<FlowFeatures> flows = new ArrayList<>(xs.length);
        int n = names.size() / 2;
        if (summaryFeatures < 0 || summaryFeatures > 1000) {
            throw UserError.usage("--summary-features 0..1000");
        }
        Map<String, Double> features = new java.util.TreeMap<>();
        for (int f = 0; f < summaryFeatures; f++) {
            features.put("summary_feature_" + f, f * 1.5);
        }
        for (int r = 0; r < xs.length; r++) {
            List<Integer> sizes = new ArrayList<>(n);
            List<Integer> dirs = new ArrayList<>(n);
            List<Long> iats = new ArrayList<>(n);
            for (int i = 0; i < n && xs[r][i] != 0; i++) {
                sizes.add((int) Math.abs(xs[r][i]));
                dirs.add(xs[r][i] > 0 ? 1 : -1);
                iats.add(Math.round(xs[r][n + i] * 1000));
            }
            flows.add(FlowFeatures.newBuilder()
                    .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, (byte) (r >> 8), (byte) r}))
                            .setDstIp(ByteBuffer.wrap(new byte[] {10, 9, 9, 9})).setSrcPort(40000 + r % 20000).setDstPort(443)
                            .setProtocol(17).build())
                    .setStartMicros(r).setEndMicros(r + 1).setTermination(FlowTermination.IDLE_TIMEOUT)
                    .setFeatures(features).setFirstPacketSizes(sizes).setFirstPacketDirections(dirs)
                    .setFirstPacketIatMicros(iats).build());
        }
        Configuration conf = new Configuration();
        conf.setString("pipeline.object-reuse", Boolean.toString(objectReuse));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        DataStream<FlowFeatures> flowStream = env.fromSource(new DataGeneratorSource<>(new Replay(flows), total,
                RateLimiterStrategy.noOp(), TypeInformation.of(FlowFeatures.class)), WatermarkStrategy.noWatermarks(), "flows");
        DataStream<ModelUpdate> models = env.fromData(TypeInformation.of(ModelUpdate.class), u).setParallelism(1);
        FlowClassifierFunction fn = new FlowClassifierFunction(new ModelUpdateValidator(key, Set.of()), 1_000_000).withBatchSize(batch);
        BatchedClassifierOperator.classify(flowStream, models.broadcast(BroadcastStates.MODELS), fn, 100, "classify")
                .sinkTo(new CountingSink());
        if (total < 1 || (warmup != null && (warmup < 0 || warmup >= total))) {
            throw UserError.usage("--flows must be positive and --warmup-flows 0..flows-1");
        }
        warmupFlows = warmup != null ? warmup : total / 5;
        SEEN.set(0);
        WARM.set(Long.MAX_VALUE);
        CPU_WARM.set(Long.MAX_VALUE);
        COUNT.set(0);
        FIRST.set(Long.MAX_VALUE);
        LAST.set(0);
        CPU_FIRST.set(Long.MAX_VALUE);
        CPU_LAST.set(0);
        long t0 = System.nanoTime();
        env.execute("bench-sequence-model");
        double wall = (System.nanoTime() - t0) / 1e9;
        double scored = (LAST.get() - FIRST.get()) / 1e9;
        double cpu = (CPU_LAST.get() - CPU_FIRST.get()) / 1e9;
        System.out.printf("in the job (classifier operator, parallelism %d, batches of %d, %d summary features per flow,"
                + " object reuse %s): %,d flows classified;"
                + " %,.0f flows/s between the first and the last classification (%.1f s), job wall time %.1f s;"
                + " %.1f CPU s in that window (whole process): %,.0f flows per CPU second%n",
                parallelism, batch, summaryFeatures, objectReuse ? "on" : "off", COUNT.get(), COUNT.get() / scored, scored,
                wall, cpu, COUNT.get() / cpu);
        double steadyWall = (LAST.get() - (warmupFlows == 0 ? FIRST.get() : WARM.get())) / 1e9;
        double steadyCpu = (CPU_LAST.get() - (warmupFlows == 0 ? CPU_FIRST.get() : CPU_WARM.get())) / 1e9;
        long steadyFlows = COUNT.get() - warmupFlows;
        System.out.printf("steady state (after the first %,d flows): %,d flows in %.1f s: %,.0f flows/s wall; %.1f CPU s"
                + " (whole process, %.2f of the %d cores): %,.0f flows per CPU second%n", warmupFlows, steadyFlows, steadyWall,
                steadyFlows / steadyWall, steadyCpu, steadyCpu / steadyWall, Runtime.getRuntime().availableProcessors(),
                steadyFlows / steadyCpu);
        System.out.printf("machine load (1-minute average): %.1f at the start, %.1f at the end, %d cores%n", loadAtStart,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        return 0;
    }

    /** The dataset as a packet-sequence table: itself when it has size_0, else converted by sequence-features. */
    static Path sequenceTable(Path dataset, int packets) throws Exception {
        String header;
        try (java.io.InputStream raw = java.nio.file.Files.newInputStream(dataset);
                java.io.InputStream is = dataset.toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(is,
                        java.nio.charset.StandardCharsets.UTF_8))) {
            header = r.readLine();
        }
        if (header == null || List.of(header.split(",")).contains(io.flowpulse.ml.sequence.PacketSequence.SIZE + "0")) {
            return dataset;
        }
        SequenceFeaturesCommand convert = new SequenceFeaturesCommand();
        convert.in = dataset;
        convert.out = java.nio.file.Files.createTempFile("flowpulse-bench-seq", ".csv");
        convert.out.toFile().deleteOnExit();
        convert.n = packets;
        convert.call();
        return convert.out;
    }

    /** The table's flows over and over; waits 3 s first so the model is served before the first flow. */
    static final class Replay implements GeneratorFunction<Long, FlowFeatures> {
        private static final long serialVersionUID = 1L;
        private final List<FlowFeatures> flows;

        Replay(List<FlowFeatures> flows) {
            this.flows = flows;
        }

        @Override
        public void open(org.apache.flink.api.connector.source.SourceReaderContext readerContext) throws Exception {
            Thread.sleep(3000);
        }

        @Override
        public FlowFeatures map(Long i) {
            return flows.get((int) (i % flows.size()));
        }
    }

    /** Counts classifications and notes the first and the last (this JVM runs the local cluster). */
    static final class CountingSink implements Sink<Classification> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Classification> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                long local;

                @Override
                public void write(Classification c, Context ctx) {
                    if (local++ == 0) {
                        FIRST.accumulateAndGet(System.nanoTime(), Math::min);
                        CPU_FIRST.accumulateAndGet(processCpuNanos(), Math::min);
                    }
                    if (SEEN.incrementAndGet() == warmupFlows) {
                        WARM.set(System.nanoTime());
                        CPU_WARM.set(processCpuNanos());
                    }
                }

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        LAST.accumulateAndGet(System.nanoTime(), Math::max);
                        CPU_LAST.accumulateAndGet(processCpuNanos(), Math::max);
                    }
                }

                @Override
                public void close() {
                    COUNT.addAndGet(local);
                }
            };
        }
    }
}
