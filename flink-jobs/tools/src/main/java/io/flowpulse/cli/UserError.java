package io.flowpulse.cli;

/**
 * A mistake the user can fix (a bad option value, a file that is not what the command needs, a
 * key that is too short): {@link CliErrors} prints its message as one line, without a stack trace,
 * and exits with its code. Throw it from commands and from the helpers they call.
 */
public final class UserError extends RuntimeException {
    /** The command line is wrong: unknown or missing option, a value of the wrong form, a missing file. */
    public static final int USAGE = 2;
    /** The command line is fine but an input is not usable (empty or malformed file, no data). */
    public static final int INPUT = 1;

    private final int exitCode;

    private UserError(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Exit code 2: the command line itself is wrong. */
    public static UserError usage(String message) {
        return new UserError(message, USAGE, null);
    }

    /** Exit code 1: an input named on the command line is not usable. */
    public static UserError input(String message) {
        return new UserError(message, INPUT, null);
    }

    /** Exit code 1, keeping the cause for {@code --verbose}. */
    public static UserError input(String message, Throwable cause) {
        return new UserError(message, INPUT, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
