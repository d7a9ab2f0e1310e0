package io.flowpulse.bench;

import io.flowpulse.records.RawRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;

/**
 * The operator-chain mode's bounded source: {@link ReplayedInput} read partition by partition, as
 * the Kafka mode's readers read the topic. Partition p (index range {@code offsets[p] ..
 * offsets[p] + size - 1}) goes to source subtask {@code p mod parallelism} and is read in order, so
 * every record of one key leaves one subtask in event-time order ({@link DataGeneratorSource}'s own
 * equal index ranges would cut partitions apart).
 *
 * <p>Checkpoints in the run: each partition is cut into consecutive splits at its middle (and, with
 * {@code pauseBeforeLast}, before its last record), and a subtask that finished one of them gets the
 * next only once a checkpoint taken after it stopped has completed. So every run has a checkpoint of
 * mid-run state (a short bounded run can otherwise end before its first), and optionally one with
 * all input but the last records in, every flow open. The pause does not block the task (the reader
 * simply has no split). The longest total wait of a subtask is kept in
 * {@link ReplayedInput.Run#pausedMicros} and subtracted from the run's span.
 */
final class PartitionedReplaySource extends DataGeneratorSource<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final long[] partitionSizes;
    private final boolean pauseBeforeLast;

    /** {@code ratePerSecond <= 0}: as fast as possible. */
    PartitionedReplaySource(String runId, ReplayedInput.Run run, double ratePerSecond, boolean pauseBeforeLast) {
        super(new ReplayedInput(runId), run.values.length,
                ratePerSecond > 0 ? RateLimiterStrategy.perSecond(ratePerSecond) : RateLimiterStrategy.noOp(),
                TypeInformation.of(RawRecord.class));
        this.runId = runId;
        this.pauseBeforeLast = pauseBeforeLast;
        this.partitionSizes = new long[run.byPartition.length];
        for (int p = 0; p < partitionSizes.length; p++) {
            partitionSizes[p] = run.byPartition[p].length;
        }
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> context) {
        List<NumberSequenceSplit> splits = new ArrayList<>();
        long offset = 0;
        for (int p = 0; p < partitionSizes.length; p++) {
            long size = partitionSizes[p];
            List<Long> cuts = new ArrayList<>(List.of(0L));
            if (size >= 2) {
                cuts.add(size / 2);
            }
            if (pauseBeforeLast && size >= 3) {
                cuts.add(size - 1);
            }
            cuts.add(size);
            for (int c = 0; c + 1 < cuts.size(); c++) {
                if (cuts.get(c + 1) > cuts.get(c)) {
                    splits.add(new NumberSequenceSplit(p + "-" + c, offset + cuts.get(c), offset + cuts.get(c + 1) - 1));
                }
            }
            offset += size;
        }
        return new PartitionEnumerator(context, splits, runId);
    }

    static int partitionOf(NumberSequenceSplit split) {
        return Integer.parseInt(split.splitId().substring(0, split.splitId().indexOf('-')));
    }

    /**
     * Hands the splits of partition p, in order, to subtask p mod parallelism: the first at once,
     * each further one once a checkpoint taken after the subtask asked for it has completed.
     */
    static final class PartitionEnumerator implements SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> {
        private final SplitEnumeratorContext<NumberSequenceSplit> context;
        private final ArrayDeque<NumberSequenceSplit> remaining;
        private final String runId;
        private final Set<Integer> started = new HashSet<>();
        /** Subtasks waiting for their next split -> the first checkpoint taken since they asked (-1: none yet). */
        private final Map<Integer, Long> waiting = new HashMap<>();
        private final Map<Integer, Long> waitingSinceNanos = new HashMap<>();
        private final Map<Integer, Long> waitedMicros = new HashMap<>();

        PartitionEnumerator(SplitEnumeratorContext<NumberSequenceSplit> context, Collection<NumberSequenceSplit> splits,
                String runId) {
            this.context = context;
            this.remaining = new ArrayDeque<>(splits);
            this.runId = runId;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {
            if (started.add(subtask) || next(subtask) == null) {
                assignNext(subtask); // its first split, or no more
            } else {
                waiting.put(subtask, -1L);
                waitingSinceNanos.put(subtask, System.nanoTime());
            }
        }

        private NumberSequenceSplit next(int subtask) {
            int parallelism = context.currentParallelism();
            for (NumberSequenceSplit s : remaining) {
                if (partitionOf(s) % parallelism == subtask) {
                    return s;
                }
            }
            return null;
        }

        private void assignNext(int subtask) {
            NumberSequenceSplit s = next(subtask);
            if (s == null) {
                context.signalNoMoreSplits(subtask);
            } else {
                remaining.remove(s);
                context.assignSplit(s, subtask); // the reader asks again when it is done with it
            }
        }

        @Override
        public Collection<NumberSequenceSplit> snapshotState(long checkpointId) {
            waiting.replaceAll((subtask, since) -> since < 0 ? checkpointId : since);
            return new ArrayList<>(remaining);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue() >= 0 && e.getValue() <= checkpointId) {
                    it.remove();
                    int subtask = e.getKey();
                    long waited = waitedMicros.merge(subtask,
                            (System.nanoTime() - waitingSinceNanos.remove(subtask)) / 1000, Long::sum);
                    ReplayedInput.Run run = ReplayedInput.RUNS.get(runId);
                    if (run != null) {
                        run.pausedMicros.accumulateAndGet(waited, Math::max);
                        run.checkpointPauses.incrementAndGet();
                    }
                    assignNext(subtask);
                }
            }
        }

        @Override
        public void addSplitsBack(List<NumberSequenceSplit> splits, int subtaskId) {
            for (int i = splits.size() - 1; i >= 0; i--) {
                remaining.addFirst(splits.get(i));
            }
            started.remove(subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {}

        @Override
        public void close() {}
    }
}
