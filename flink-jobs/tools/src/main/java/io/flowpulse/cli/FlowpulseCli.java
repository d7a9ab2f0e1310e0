package io.flowpulse.cli;

import java.util.Arrays;
import java.util.List;

/** Entry point of the {@code ./flowpulse} launcher: dispatches to one {@link Command}. */
public final class FlowpulseCli {

    /** Every command, in the order the usage lists them. Add new commands here. */
    static List<Command> commands() {
        return List.of(
                new DemoCommand(),
                new JobCommand(),
                new FlowsCommand(),
                new ReplayCommand(),
                new BenchFlowsCommand(),
                new EvaluateDetectorCommand(),
                new BenchmarkDetectorsCommand(),
                new PlotCommand(),
                new BenchPortKeysCommand(),
                new TrainCommand(),
                new EvaluateClassifierCommand(),
                new ClassifyStreamCommand(),
                new BenchClassifierCommand(),
                new BenchCommand(),
                new SequenceFeaturesCommand(),
                new AnnotateCommand(),
                new TrainerCommand(),
                new AlExperimentCommand(),
                new SavepointCommand(),
                new FailureTestCommand(),
                new io.flowpulse.sim.SimulateCommand());
    }

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its level. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    public static void main(String[] args) throws Exception {
        // Tribuo logs every trained tree through java.util.logging; keep the terminal readable
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args));
    }

    public static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        for (Command c : commands()) {
            if (c.name().equals(args[0])) {
                try {
                    return c.run(Arrays.copyOfRange(args, 1, args.length));
                } catch (CliArgs.UsageException e) {
                    System.err.println(c.name() + ": " + e.getMessage() + " (see ./flowpulse " + c.name() + " --help)");
                    return 2;
                } catch (java.nio.file.NoSuchFileException e) {
                    System.err.println(c.name() + ": no such file: " + e.getFile());
                    return 2;
                }
            }
        }
        System.err.println("unknown command: " + args[0]);
        usage();
        return 2;
    }

    private static void usage() {
        StringBuilder sb = new StringBuilder("usage: ./flowpulse COMMAND [options]   (COMMAND --help for its options)\n\ncommands:\n");
        for (Command c : commands()) {
            sb.append(String.format("  %-22s %s%n", c.name(), c.summary()));
        }
        System.err.print(sb);
    }
}
