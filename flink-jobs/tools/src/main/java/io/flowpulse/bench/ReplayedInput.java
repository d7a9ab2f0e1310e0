package io.flowpulse.bench;

import io.flowpulse.records.RawRecord;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The operator-chain mode's source function: emits the prepared records of a run (from a JVM-wide
 * registry: the local cluster runs in this JVM) and notes when each left the source. Subtask s of
 * k reads records s, s+k, s+2k, ... so every subtask moves through event time together, as the
 * Kafka mode's partitions do (record i goes to partition i mod k there).
 */
final class ReplayedInput implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;
    static final ConcurrentHashMap<String, Run> RUNS = new ConcurrentHashMap<>();

    /** The records of one run and their emission times (µs, System.nanoTime). */
    static final class Run {
        final byte[][] values;
        final long[] sentMicros;
        final String topic;
        /** Set when the input should wait for the model to serve (see {@link #open}). */
        volatile OutputTimes modelEvents;
        /** The longest pause of a subtask waiting for its mid-run checkpoint ({@link MidRunCheckpoint}). */
        final java.util.concurrent.atomic.AtomicLong pausedMicros = new java.util.concurrent.atomic.AtomicLong();

        Run(byte[][] values, String topic) {
            this.values = values;
            this.sentMicros = new long[values.length];
            this.topic = topic;
        }
    }

    private final String runId;
    private final int subtasks;
    private transient Run run;
    private transient boolean modelServing;

    ReplayedInput(String runId, int subtasks) {
        this.runId = runId;
        this.subtasks = subtasks;
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
        int perSubtask = run.values.length / subtasks;
        int local = (int) (index % perSubtask);
        int subtask = (int) (index / perSubtask);
        int global = local * subtasks + subtask;
        run.sentMicros[global] = System.nanoTime() / 1000;
        return new RawRecord(run.topic, subtask, local, 0, run.values[global]);
    }
}
