package io.flowpulse.cli;

import io.flowpulse.bench.BenchScenario;
import io.flowpulse.bench.CollectorBenchmark;
import io.flowpulse.bench.PeerComparison;
import io.flowpulse.bench.TopologyBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse bench [--scenario packets|flows|ports|all] [--events N] [--state heap|rocksdb]
 * [--mode kafka|chain|both] [--parallelism P] [--compare]}: the real topology on a local cluster with
 * a bounded input, with the embedded broker in and out and as an operator chain only; with
 * {@code --compare}, also the peers installed from Debian's packages (tshark, softflowd,
 * statsmodels, scikit-learn) side by side. Prints figures; asserts no timing, but exits 1 when the
 * two modes gave different output counts for the same input (issue 18).
 */
@Command(name = "bench", description = "topology benchmark (Kafka in/out and operator chain only) and peer comparisons")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--scenario", paramLabel = "packets|flows|ports|collector|all", defaultValue = "all", description = "default ${DEFAULT-VALUE}")
    String scenario;

    @Option(names = "--events", paramLabel = "N", defaultValue = "500000", description = "input records per scenario (default ${DEFAULT-VALUE})")
    int events;

    @Option(names = "--state", paramLabel = "heap|rocksdb", defaultValue = "heap", description = "default ${DEFAULT-VALUE}")
    StateBackendChoice state;

    @Option(names = "--mode", paramLabel = "kafka|chain|both", defaultValue = "both", description = "default ${DEFAULT-VALUE}")
    String mode;

    @Option(names = "--parallelism", paramLabel = "P", defaultValue = "2", description = "default ${DEFAULT-VALUE}")
    int parallelism;

    @Option(names = "--checkpoint-interval", paramLabel = "DURATION", defaultValue = "2s", description = "default ${DEFAULT-VALUE}")
    Duration checkpointInterval;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0", description = "produce the Kafka input at R records/s (default: as fast as possible)")
    double rate;

    @Option(names = "--compare", description = "then flow extraction vs tshark/softflowd, detectors vs statsmodels/scikit-learn "
            + "(a peer that is not installed is skipped with a message)")
    boolean compare;

    @Option(names = "--compare-only", description = "only the peer comparisons")
    boolean compareOnly;

    @Option(names = "--exports", paramLabel = "DIR", description = "collector: a directory of recorded exports (*.datagrams; default: softflowd's, in testkit)")
    Path exports;

    @Option(names = "--packet-batch", paramLabel = "N", defaultValue = "512",
            description = "packets scenario, kafka mode: packets per PacketBatch record (1 = one PacketEvent per record); default ${DEFAULT-VALUE}")
    int packetBatch;

    @Option(names = "--packet-linger", paramLabel = "MS", defaultValue = "20",
            description = "packets scenario, kafka mode with --rate: longest wait of a batch's first packet, ms; default ${DEFAULT-VALUE}")
    long packetLingerMillis;

    @Option(names = "--packet-span", paramLabel = "MS", defaultValue = "1000",
            description = "packets scenario, kafka mode: longest capture-time span of a batch, ms (below the job's 5 s out-of-orderness); default ${DEFAULT-VALUE}")
    long packetSpanMillis;
    @Option(names = "--job-option", paramLabel = "KEY=VALUE", description = "a job option for the topology runs, e.g. "
            + "flows.edge-batch-packets=1 (repeatable)")
    java.util.Map<String, String> jobOptions = new java.util.LinkedHashMap<>();

    @Option(names = "--warmup-events", paramLabel = "N", defaultValue = "0", description = "first run each scenario's operator "
            + "chain once on N records, unmeasured, so the measured runs start JIT-compiled (default ${DEFAULT-VALUE}: none)")
    int warmupEvents;

    @Option(names = "--steady-from", paramLabel = "SHARE", defaultValue = "0.5", description = "chain mode: measure the steady "
            + "state from when this share of the input has left the source to the job's end (default ${DEFAULT-VALUE})")
    double steadyFrom;

    @Option(names = "--shared-data", paramLabel = "DIR", description = "the shared data directory (default: -Dflowpulse.shared.data or ../shared/data)")
    Path sharedData;

    @Override
    public Integer call() throws Exception {
        Path shared = sharedData != null ? sharedData : Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"));
        List<String> disagreements = List.of();
        if (!compareOnly) {
            List<BenchScenario> scenarios;
            try {
                scenarios = scenario.equals("all") ? List.of(BenchScenario.values()) : List.of(BenchScenario.of(scenario));
            } catch (IllegalArgumentException e) {
                throw UserError.usage("--scenario: " + e.getMessage());
            }
            if (scenarios.contains(BenchScenario.COLLECTOR)) {
                // the collector's decode rate first; then the topology on the decoded records
                if (exports != null) {
                    System.setProperty("flowpulse.bench.exports", exports.toString());
                }
                CollectorBenchmark.run(CollectorBenchmark.exports(exports), 10, System.out);
            }
            if (!(steadyFrom >= 0 && steadyFrom < 1)) {
                throw UserError.usage("--steady-from must be >= 0 and < 1");
            }
            if (packetBatch < 1 || packetLingerMillis < 0 || packetSpanMillis < 0) {
                throw UserError.usage("--packet-batch must be >= 1, --packet-linger and --packet-span >= 0");
            }
            System.setProperty("flowpulse.bench.packet-span-ms", Long.toString(packetSpanMillis));
            System.setProperty("flowpulse.bench.packet-batch", Integer.toString(packetBatch)); // read by KafkaPacketInput
            System.setProperty("flowpulse.bench.packet-linger-ms", Long.toString(packetLingerMillis));
            List<String> modes = mode.equals("both") ? TopologyBenchmark.MODES : List.of(mode);
            if (!TopologyBenchmark.MODES.containsAll(modes)) {
                throw UserError.usage("--mode is kafka, chain or both");
            }
            List<TopologyBenchmark.Result> results = TopologyBenchmark.run(new TopologyBenchmark.Settings(new ArrayList<>(scenarios),
                    modes, events, state.name(), parallelism, checkpointInterval, rate, shared, jobOptions, warmupEvents, steadyFrom),
                    System.out);
            // issue 18: one input must give one output, whichever way it is fed
            disagreements = TopologyBenchmark.disagreements(results);
        }
        if (compare || compareOnly) {
            PeerComparison.run(shared, System.out);
        }
        if (!disagreements.isEmpty()) {
            System.err.println("bench: FAILED: the kafka and chain modes gave different outputs for the same input: "
                    + String.join("; ", disagreements));
            return 1;
        }
        return 0;
    }
}
