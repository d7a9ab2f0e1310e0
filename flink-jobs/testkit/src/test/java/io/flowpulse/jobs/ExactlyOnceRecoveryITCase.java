package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.local.ExactlyOnceScenario;
import io.flowpulse.local.FlinkRest;
import io.flowpulse.sinks.KafkaSinks;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once through a failure, on a MiniCluster against the real embedded broker: the job
 * (exactly-once sinks, checkpoints every second, fixed-delay restarts) runs the
 * {@link ExactlyOnceScenario} once undisturbed (the reference), then again with its only task
 * manager terminated mid-stream and a new one started; it recovers from the last checkpoint and
 * a read_committed consumer sees exactly the reference output: every classification, alert,
 * anomaly score, port point and flow, each once. The multi-process variant (kill -9 of a task
 * manager process) is {@code ./flowpulse failure-test}.
 */
class ExactlyOnceRecoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static JobClient start(ExactlyOnceScenario scenario, Path keyFile) throws Exception {
        Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        env.setParallelism(2);
        return FlowpulseJob.start(env, Configuration.fromMap(scenario.jobOptions(keyFile)));
    }

    @Test
    void theTransactionTimeoutMustFitTheBrokersLimit() {
        Configuration conf = new Configuration();
        conf.set(JobOptions.BOOTSTRAP_SERVERS, KAFKA.cluster().bootstrapServers());
        assertEquals(900_000L, KafkaSinks.checkTransactionTimeout(conf), "10 min fits the broker's default 15 min");
        conf.set(JobOptions.TRANSACTION_TIMEOUT, Duration.ofMinutes(20));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaSinks.checkTransactionTimeout(conf));
        assertTrue(e.getMessage().contains("transaction.max.timeout.ms"), e.getMessage());
    }

    @Test
    void afterATaskManagerIsLostTheCommittedOutputEqualsAnUndisturbedRunRecordForRecord(
            @InjectMiniCluster MiniCluster mini, @TempDir Path dir) throws Exception {
        long t0 = System.nanoTime();
        Path keyFile = ExactlyOnceScenario.writeModelKey(dir);
        FlinkRest rest = new FlinkRest(mini.getRestAddress().get().toString());

        // reference: the same input, no failure
        ExactlyOnceScenario reference = new ExactlyOnceScenario(KAFKA.cluster().bootstrapServers(), new Properties(), "eo-ref");
        reference.createTopics();
        System.out.printf("topics created %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (int part = 0; part < 3; part++) {
            reference.writePart(part);
        }
        System.out.printf("input written %.1f s%n", (System.nanoTime() - t0) / 1e9);
        JobClient refJob = start(reference, keyFile);
        System.out.printf("job submitted %.1f s%n", (System.nanoTime() - t0) / 1e9);
        ExactlyOnceScenario.Outputs expected;
        try {
            reference.awaitQuiescent(rest, refJob.getJobID().toString(), Duration.ofSeconds(60));
            System.out.printf("quiescent %.1f s%n", (System.nanoTime() - t0) / 1e9);
            expected = reference.read();
        } finally {
            refJob.cancel().get();
        }
        System.out.printf("reference run took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertNull(ExactlyOnceScenario.checkReference(expected), expected.summary());

        // the same input in three parts, the task manager lost after the second
        ExactlyOnceScenario failure = new ExactlyOnceScenario(KAFKA.cluster().bootstrapServers(), new Properties(), "eo-fail");
        failure.createTopics();
        failure.writePart(0);
        JobClient job = start(failure, keyFile);
        String jobId = job.getJobID().toString();
        ExactlyOnceScenario.Outputs got;
        try {
            failure.awaitFirstCommittedOutput(Duration.ofSeconds(60));
            failure.writePart(1);
            mini.terminateTaskManager(0).get();
            mini.startTaskManager();
            failure.writePart(2);
            failure.awaitQuiescent(rest, jobId, Duration.ofSeconds(90));
            assertTrue(rest.restoredCheckpoints(jobId) >= 1, "the job restored a checkpoint after losing its task manager");
            got = failure.read();
        } finally {
            job.cancel().get();
        }
        System.out.printf("both runs took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("reference:\n" + expected.summary() + "after a task manager failure:\n" + got.summary()
                + "alerts: " + ExactlyOnceScenario.alertStory(got));
        assertNull(ExactlyOnceScenario.compare(expected, got), got.summary());
        assertEquals(ExactlyOnceScenario.expectedClassifications(), got.count("classifications"));
    }
}
