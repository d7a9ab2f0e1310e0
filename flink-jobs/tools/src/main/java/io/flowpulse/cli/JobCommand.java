package io.flowpulse.cli;

import io.flowpulse.config.JobOptions;
import io.flowpulse.jobs.FlowpulseJob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code ./flowpulse job --kafka.bootstrap-servers H:P ...}: the streaming job against an existing
 * Kafka. Its options are the job's {@link JobOptions} (added to the command by {@link #addJobOptions}),
 * plus {@code --kafka.client.KEY VALUE} for any Kafka client property.
 */
@Command(name = "job", description = "run the streaming job against an existing Kafka (the job's options below)",
        customSynopsis = "flowpulse job [--OPTION=VALUE ...] [--kafka.client.KEY VALUE ...]")
public final class JobCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandSpec spec;

    @CommandLine.Unmatched
    List<String> clientProperties = new ArrayList<>();

    /** One option per {@link JobOptions} key, with its description and default. */
    static void addJobOptions(CommandSpec job) {
        for (ConfigOption<?> o : JobOptions.all()) {
            job.addOption(OptionSpec.builder("--" + o.key())
                    .type(String.class)
                    .paramLabel("VALUE")
                    .description(JobOptions.descriptionText(o) + (o.hasDefaultValue() ? " (default: " + o.defaultValue() + ")" : ""))
                    .build());
        }
        job.usageMessage().footer("", "  --kafka.client.KEY VALUE   any Kafka client property (overrides --kafka.client-properties-file)");
    }

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.longestName().startsWith("--") && o.type() == String.class && o.getValue() != null) {
                args.add(o.longestName());
                args.add(o.getValue());
            }
        }
        String prefix = "--" + JobOptions.CLIENT_PROPERTIES.key() + ".";
        for (int i = 0; i < clientProperties.size(); i++) {
            String a = clientProperties.get(i);
            if (!a.startsWith(prefix)) {
                throw new CommandLine.UnmatchedArgumentException(spec.commandLine(),
                        a.startsWith("-") ? "Unknown option: '" + a + "'" : "Unmatched argument: '" + a + "'");
            }
            args.add(a);
            if (!a.contains("=")) {
                if (i + 1 >= clientProperties.size()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), a + " needs a value");
                }
                args.add(clientProperties.get(++i));
            }
        }
        try {
            JobOptions.fromArgs(args.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        FlowpulseJob.main(args.toArray(String[]::new));
        return 0;
    }
}
