package io.flowpulse.cli;

/** One sub-command of {@code ./flowpulse}. */
public interface Command {
    /** The word after {@code ./flowpulse}, e.g. {@code demo}. */
    String name();

    /** One line for the usage list. */
    String summary();

    /** Runs the command; returns the process exit code (0 ok, 2 usage error). */
    int run(String[] args) throws Exception;
}
