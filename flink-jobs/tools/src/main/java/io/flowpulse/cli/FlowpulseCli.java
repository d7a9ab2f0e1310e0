package io.flowpulse.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code ./flowpulse} launcher (picocli). Every command is a class in this
 * package listed in {@code subcommands} below: add new commands there, in the order the usage
 * lists them. Errors go through {@link CliErrors}: one line, exit code 2 for a wrong command line,
 * 1 for a failed run, {@code --verbose} for the stack trace.
 */
@Command(name = "flowpulse",
        // inherited by every sub-command: --help, --version, the exit-code list
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = FlowpulseVersion.class,
        sortOptions = false,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the run failed or an input is not usable (one line on stderr; --verbose: stack trace)",
                "2:wrong command line: unknown or missing option, bad value, missing file"},
        description = "Network traffic features, anomaly detection and active learning on Apache Flink.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands (COMMAND --help for its options):%n",
        footer = {"", "Run './flowpulse demo' to see everything work on this machine (embedded Kafka, local Flink)."},
        subcommands = {
                DemoCommand.class,
                JobCommand.class,
                FlowsCommand.class,
                ReplayCommand.class,
                CollectCommand.class,
                BenchFlowsCommand.class,
                EvaluateDetectorCommand.class,
                BenchmarkDetectorsCommand.class,
                PlotCommand.class,
                BenchPortKeysCommand.class,
                KeygenCommand.class,
                TrainCommand.class,
                EvaluateClassifierCommand.class,
                ClassifyStreamCommand.class,
                BenchClassifierCommand.class,
                BenchCommand.class,
                SequenceFeaturesCommand.class,
                AnnotateCommand.class,
                TrainerCommand.class,
                AlExperimentCommand.class,
                SavepointCommand.class,
                FailureTestCommand.class,
                SimulateCommand.class,
        })
public final class FlowpulseCli implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print the stack trace of an error")
    boolean verbose;

    /** Without a command: the usage on stderr, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UserError.USAGE;
    }

    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one loses its level. */
    private static final java.util.logging.Logger TRIBUO_LOG = java.util.logging.Logger.getLogger("org.tribuo");

    public static void main(String[] args) {
        // Tribuo logs every trained tree through java.util.logging; keep the terminal readable
        TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args));
    }

    /** Runs one command line; returns the exit code (documented in {@code --help}). */
    public static int run(String... args) {
        return commandLine(List.of(args).contains("--verbose")).execute(args);
    }

    /** The command tree with help, version, exit codes and the error handler on every command. */
    static CommandLine commandLine(boolean verbose) {
        CommandLine cl = new CommandLine(new FlowpulseCli());
        CliErrors errors = new CliErrors(verbose);
        JobCommand.addJobOptions(cl.getSubcommands().get("job").getCommandSpec());
        cl.setParameterExceptionHandler(errors);
        cl.setExecutionExceptionHandler(errors);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(java.time.Duration.class, new DurationConverter());
        return cl;
    }

    /** Names of every command (for tests and the k8s manifest check). */
    public static List<String> commandNames() {
        return new ArrayList<>(commandLine(false).getSubcommands().keySet());
    }
}
