package io.flowpulse.cli;

import io.flowpulse.config.JobOptions;
import io.flowpulse.jobs.FlowpulseJob;

/** {@code ./flowpulse job --kafka.bootstrap-servers H:P ...}: the streaming job against an existing Kafka. */
public final class JobCommand implements Command {
    @Override
    public String name() {
        return "job";
    }

    @Override
    public String summary() {
        return "run the streaming job against an existing Kafka (options: --help)";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("usage: ./flowpulse job [--option value ...]\n\noptions:\n" + JobOptions.describe());
            return 0;
        }
        try {
            JobOptions.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\noptions:\n" + JobOptions.describe());
            return 2;
        }
        FlowpulseJob.main(args);
        return 0;
    }
}
