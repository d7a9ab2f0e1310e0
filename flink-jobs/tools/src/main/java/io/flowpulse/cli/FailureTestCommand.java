package io.flowpulse.cli;

import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.ExactlyOnceScenario;
import io.flowpulse.local.FlinkRest;
import io.flowpulse.local.MultiProcessFlinkCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;

/**
 * {@code ./flowpulse failure-test}: exactly-once through a TaskManager crash on a real
 * multi-process Flink cluster on loopback. Starts the embedded broker, a JobManager and two
 * TaskManagers as separate JVMs (from the project's classpath, generated config.yaml,
 * checkpoints every second on the local disk), runs the {@link ExactlyOnceScenario} once
 * undisturbed for the reference output, then again with {@code kill -9} of a TaskManager that
 * runs tasks mid-stream; the job recovers on the remaining TaskManager from its last checkpoint
 * (a replacement TaskManager is started afterwards) and a read_committed consumer must see
 * exactly the reference output. Exit code 0 when it does.
 */
@Command(name = "failure-test",
        description = {"exactly-once check: kill -9 a TaskManager of a multi-process cluster mid-stream, compare with an undisturbed run",
                "Starts a broker and three JVMs and takes a few minutes: run it with --run."})
public final class FailureTestCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, description = "start it (without it the command only explains itself)")
    boolean run;

    @Option(names = "--dir", paramLabel = "DIR", description = "working directory: logs, checkpoints, config (default: a new temporary one)")
    Path dirOption;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "1s", description = "default ${DEFAULT-VALUE}")
    Duration interval;

    @Option(names = "--keep", description = "keep the working directory")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path dir = dirOption != null ? dirOption : Files.createTempDirectory("flowpulse-failure-test-");
        long t0 = System.nanoTime();
        Map<String, String> clusterConf = Map.of(
                "execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString(),
                "heartbeat.interval", "1000",
                "heartbeat.timeout", "5000",
                "restart-strategy.type", "fixed-delay",
                "restart-strategy.fixed-delay.attempts", "20",
                "restart-strategy.fixed-delay.delay", "1 s",
                "cluster.evenly-spread-out-slots", "true");
        System.out.println("failure-test: working directory " + dir + " (cluster logs in " + dir.resolve("log") + ")");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
                MultiProcessFlinkCluster cluster = MultiProcessFlinkCluster.start(dir.resolve("cluster"), 2, 2, clusterConf,
                        Duration.ofSeconds(120))) {
            System.out.printf("failure-test: broker %s, JobManager + %d TaskManager processes, web UI %s (%.1f s)%n",
                    kafka.bootstrapServers(), cluster.taskManagers().size(), cluster.restUrl(), seconds(t0));
            Path keyFile = ExactlyOnceScenario.writeModelKey(dir);
            FlinkRest rest = cluster.rest();

            ExactlyOnceScenario reference = new ExactlyOnceScenario(kafka.bootstrapServers(), new Properties(), "ref");
            reference.createTopics();
            for (int part = 0; part < 3; part++) {
                reference.writePart(part);
            }
            JobClient refJob = submit(cluster, reference, keyFile, interval);
            reference.awaitQuiescent(rest, refJob.getJobID().toString(), Duration.ofMinutes(3));
            ExactlyOnceScenario.Outputs expected = reference.read();
            refJob.cancel().get();
            System.out.printf("failure-test: reference run done (%.1f s)%n%s", seconds(t0), expected.summary());
            String bad = ExactlyOnceScenario.checkReference(expected);
            if (bad != null) {
                System.out.println("failure-test: FAILED: " + bad);
                return 1;
            }

            ExactlyOnceScenario failure = new ExactlyOnceScenario(kafka.bootstrapServers(), new Properties(), "fail");
            failure.createTopics();
            failure.writePart(0);
            JobClient job = submit(cluster, failure, keyFile, interval);
            String jobId = job.getJobID().toString();
            failure.awaitFirstCommittedOutput(Duration.ofMinutes(2));
            failure.writePart(1);
            String victim = busyTaskManager(rest);
            long checkpointsBefore = rest.completedCheckpoints(jobId);
            cluster.killTaskManager(victim);
            long killedAt = System.nanoTime();
            System.out.printf("failure-test: kill -9 of TaskManager %s mid-stream, after %d completed checkpoints (%.1f s)%n",
                    victim, checkpointsBefore, seconds(t0));
            ExactlyOnceScenario.awaitOrFail(System.nanoTime() + Duration.ofMinutes(2).toNanos(), "the job restarted", () -> {
                try {
                    return rest.restoredCheckpoints(jobId) >= 1 && rest.jobState(jobId).equals("RUNNING");
                } catch (Exception e) {
                    return false;
                }
            });
            System.out.printf("failure-test: job RUNNING again, restored from its last checkpoint, %.1f s after the kill%n",
                    (System.nanoTime() - killedAt) / 1e9);
            String replacement = cluster.startTaskManager();
            failure.writePart(2);
            failure.awaitQuiescent(rest, jobId, Duration.ofMinutes(3));
            ExactlyOnceScenario.Outputs got = failure.read();
            long restarts = rest.restoredCheckpoints(jobId);
            job.cancel().get();
            System.out.printf("failure-test: run with the failure done, replacement TaskManager %s started (%.1f s)%n%s",
                    replacement, seconds(t0), got.summary());
            System.out.println("failure-test: alerts " + ExactlyOnceScenario.alertStory(got));
            String diff = ExactlyOnceScenario.compare(expected, got);
            if (diff != null || restarts < 1) {
                System.out.println("failure-test: FAILED: " + (diff != null ? diff : "the job never restarted"));
                return 1;
            }
            System.out.printf("failure-test: PASSED: exactly once after kill -9 of a TaskManager: every record of the "
                    + "reference run, each once (%d restart(s), %.1f s in total; CPU: this JVM %.1f s, cluster processes "
                    + "still running %.1f s)%n", restarts, seconds(t0), ownCpuSeconds(), cluster.cpuSeconds());
            return 0;
        } finally {
            if (!keep && dirOption == null) {
                deleteTree(dir);
            }
        }
    }

    static JobClient submit(MultiProcessFlinkCluster cluster, ExactlyOnceScenario scenario, Path keyFile, Duration interval)
            throws Exception {
        Configuration c = new Configuration();
        c.setString("execution.checkpointing.interval", interval.toMillis() + " ms");
        c.setString("pipeline.generic-types", "false");
        return FlowpulseJob.start(cluster.env(c), Configuration.fromMap(scenario.jobOptions(keyFile)));
    }

    /** A TaskManager with occupied slots (polls until the job's tasks are deployed). */
    static String busyTaskManager(FlinkRest rest) throws Exception {
        String[] id = new String[1];
        ExactlyOnceScenario.awaitOrFail(System.nanoTime() + Duration.ofSeconds(60).toNanos(), "a TaskManager running tasks", () -> {
            try {
                for (FlinkRest.TaskManager tm : rest.taskManagers()) {
                    if (tm.freeSlots() < tm.slots()) {
                        id[0] = tm.id();
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        return id[0];
    }

    static double ownCpuSeconds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : -1;
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("failure-test: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
