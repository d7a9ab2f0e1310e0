package io.flowpulse.cli;

import picocli.CommandLine.Option;

/** Mixin: the Kafka cluster a command talks to. */
public final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers")
    String bootstrapServers;

    /** The servers, or a usage error naming the option when they are needed and missing. */
    public String require() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw UserError.usage("Missing required option: '--bootstrap-servers=HOST:PORT'");
        }
        return bootstrapServers;
    }

    /** The servers, or null (a command may start its own embedded broker instead). */
    public String orNull() {
        return bootstrapServers;
    }

    public boolean given() {
        return bootstrapServers != null;
    }
}
