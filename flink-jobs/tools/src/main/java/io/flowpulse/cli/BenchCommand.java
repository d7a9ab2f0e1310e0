package io.flowpulse.cli;

import io.flowpulse.bench.BenchScenario;
import io.flowpulse.bench.PeerComparison;
import io.flowpulse.bench.TopologyBenchmark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./flowpulse bench [--scenario packets|flows|ports|all] [--events N] [--state heap|rocksdb]
 * [--mode kafka|chain|both] [--parallelism P] [--compare]}: the real topology on a local cluster with
 * a bounded input, with the embedded broker in and out and as an operator chain only; with
 * {@code --compare}, also the peers installed from Debian's packages (tshark, softflowd,
 * statsmodels, scikit-learn) side by side. Prints figures; asserts nothing.
 */
public final class BenchCommand implements Command {
    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "topology benchmark (Kafka in/out and operator chain only) and peer comparisons";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("""
                    usage: ./flowpulse bench [--scenario packets|flows|ports|all] [--events N] [--state heap|rocksdb]
                                             [--mode kafka|chain|both] [--parallelism P] [--checkpoint-interval 2s]
                                             [--rate R] [--compare] [--compare-only] [--shared-data DIR]
                      --events N              input records per scenario (default 500000)
                      --rate R                produce the Kafka input at R records/s (default: as fast as possible)
                      --compare               then flow extraction vs tshark/softflowd, detectors vs statsmodels/scikit-learn
                                              (a peer that is not installed is skipped with a message)""");
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("scenario", "events", "state", "mode", "parallelism", "checkpoint-interval",
                "rate", "shared-data"), Set.of("compare", "compare-only"));
        Path shared = Path.of(a.get("shared-data", System.getProperty("flowpulse.shared.data", "../shared/data")));
        if (!a.has("compare-only")) {
            String sc = a.get("scenario", "all");
            List<BenchScenario> scenarios = sc.equals("all") ? List.of(BenchScenario.values()) : List.of(BenchScenario.of(sc));
            String mode = a.get("mode", "both");
            List<String> modes = mode.equals("both") ? TopologyBenchmark.MODES : List.of(mode);
            if (!TopologyBenchmark.MODES.containsAll(modes)) {
                throw new CliArgs.UsageException("--mode is kafka, chain or both");
            }
            String state = a.get("state", "heap");
            if (!state.equals("heap") && !state.equals("rocksdb")) {
                throw new CliArgs.UsageException("--state is heap or rocksdb");
            }
            TopologyBenchmark.run(new TopologyBenchmark.Settings(new ArrayList<>(scenarios), modes, a.getInt("events", 500_000),
                    state, a.getInt("parallelism", 2), a.getDuration("checkpoint-interval", Duration.ofSeconds(2)),
                    a.getDouble("rate", 0), shared), System.out);
        }
        if (a.has("compare") || a.has("compare-only")) {
            PeerComparison.run(shared, System.out);
        }
        return 0;
    }
}
