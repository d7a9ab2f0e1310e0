package io.flowpulse.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * The operator-chain mode's pacing: optionally a rate, and one pause of each source subtask at the
 * middle of its records until the next checkpoint completes, so that every run has a checkpoint
 * of mid-run state (a short bounded run can otherwise end before its first checkpoint). The
 * longest pause is subtracted from the run's span. The pause does not block the task: the reader
 * waits on a future, as Flink's own per-checkpoint rate limiter does.
 */
final class MidRunCheckpoint implements RateLimiterStrategy<NumberSequenceSplit> {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final long recordsPerSubtask;
    private final double ratePerSecond;

    MidRunCheckpoint(String runId, long recordsPerSubtask, double ratePerSecond) {
        this.runId = runId;
        this.recordsPerSubtask = recordsPerSubtask;
        this.ratePerSecond = ratePerSecond;
    }

    @Override
    @SuppressWarnings("unchecked")
    public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
        RateLimiter<NumberSequenceSplit> pace = ratePerSecond > 0
                ? (RateLimiter<NumberSequenceSplit>) RateLimiterStrategy.perSecond(ratePerSecond).createRateLimiter(parallelism) : null;
        AtomicLong pausedMicros = ReplayedInput.RUNS.get(runId).pausedMicros;
        long pauseAt = Math.max(1, recordsPerSubtask / 2);
        return new RateLimiter<NumberSequenceSplit>() {
            long acquired;
            CompletableFuture<Void> pause;
            long pausedSince;

            @Override
            public CompletionStage<Void> acquire(int requestSize) {
                acquired += requestSize;
                if (acquired >= pauseAt && pausedSince == 0) {
                    pausedSince = System.nanoTime();
                    pause = new CompletableFuture<>();
                    return pause;
                }
                return pace != null ? pace.acquire(requestSize) : CompletableFuture.completedFuture(null);
            }

            @Override
            public void notifyCheckpointComplete(long checkpointId) {
                if (pause != null && !pause.isDone()) {
                    pausedMicros.accumulateAndGet((System.nanoTime() - pausedSince) / 1000, Math::max);
                    pause.complete(null);
                }
                if (pace != null) {
                    pace.notifyCheckpointComplete(checkpointId);
                }
            }
        };
    }
}
