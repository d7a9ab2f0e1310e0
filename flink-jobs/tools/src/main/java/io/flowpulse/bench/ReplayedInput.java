package io.flowpulse.bench;

import io.flowpulse.records.RawRecord;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The operator-chain mode's source function: emits the prepared records of a run (from a JVM-wide
 * registry: the local cluster runs in this JVM) and notes when each left the source. The records
 * are laid out partition by partition (index {@code offsets[p] + j} is record j of partition p, in
 * event-time order) and {@link PartitionedReplaySource} makes one split per partition: each source
 * subtask replays whole partitions in order, as the Kafka mode's readers do.
 */
final class ReplayedInput implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;
    static final ConcurrentHashMap<String, Run> RUNS = new ConcurrentHashMap<>();

    /** The records of one run and their emission times (µs, System.nanoTime). */
    static final class Run {
        final byte[][] values;
        /** Indexes into {@link #values} of each partition's records, in order. */
        final int[][] byPartition;
        /** Index of each partition's first record in the partition-major layout. */
        final long[] offsets;
        final long[] sentMicros;
        final String topic;
        /** Set when the input should wait for the model to serve (see {@link #open}). */
        volatile OutputTimes modelEvents;
        /** The longest total pause of a subtask waiting for its checkpoints ({@link PartitionedReplaySource}). */
        final java.util.concurrent.atomic.AtomicLong pausedMicros = new java.util.concurrent.atomic.AtomicLong();
        /** Packets in each record of {@link #values} (null: one each). */
        int[] packetsPerRecord;
        /** The run's steady-state span starts when the source has emitted this many packets. */
        long steadyFromPackets = Long.MAX_VALUE;
        /** Set before the job starts; told when the steady-state span starts. */
        volatile TopologyBenchmark.Measure measure;
        final java.util.concurrent.atomic.AtomicLong emittedPackets = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean steadyMarked = new java.util.concurrent.atomic.AtomicBoolean();
        /** How many of those pauses ended with a completed checkpoint. */
        final java.util.concurrent.atomic.AtomicInteger checkpointPauses = new java.util.concurrent.atomic.AtomicInteger();

        Run(byte[][] values, int[][] byPartition, String topic) {
            this.values = values;
            this.byPartition = byPartition;
            this.offsets = offsets(byPartition);
            this.sentMicros = new long[values.length];
            this.topic = topic;
        }

        static long[] offsets(int[][] byPartition) {
            long[] o = new long[byPartition.length];
            for (int p = 1; p < o.length; p++) {
                o[p] = o[p - 1] + byPartition[p - 1].length;
            }
            return o;
        }
    }

    private final String runId;
    private transient Run run;
    private transient boolean modelServing;

    ReplayedInput(String runId) {
        this.runId = runId;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        run = RUNS.get(runId);
    }

    /**
     * With a model in the run, the flows start once the classifier has accepted it (a model event
     * arrived): as on Kafka, where the model is on its topic before the flows. Flows buffered
     * before the model would be emitted with the model record's timestamp, which an in-memory
     * source does not set (a Kafka record has one).
     */
    private void awaitModel() {
        OutputTimes events = run.modelEvents;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (events != null && events.size() == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the classifier did not accept the bench model within 120 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll interval of a deadline-bounded wait
        }
        modelServing = true;
    }

    @Override
    public RawRecord map(Long index) {
        if (!modelServing) {
            awaitModel();
        }
        int partition = run.offsets.length - 1;
        while (run.offsets[partition] > index) {
            partition--;
        }
        int local = (int) (index - run.offsets[partition]);
        int global = run.byPartition[partition][local];
        run.sentMicros[global] = System.nanoTime() / 1000;
        long before = run.emittedPackets.getAndAdd(run.packetsPerRecord == null ? 1 : run.packetsPerRecord[global]);
        if (before >= run.steadyFromPackets && run.measure != null && run.steadyMarked.compareAndSet(false, true)) {
            run.measure.markSteadyState(before);
        }
        return new RawRecord(run.topic, partition, local, 0, run.values[global]);
    }
}
