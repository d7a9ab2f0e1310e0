package io.flowpulse.cli;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;

/**
 * The one place where errors become output: a wrong command line (unknown or missing option, a
 * value of the wrong form) is one line and exit code 2; an exception from a command is one line
 * naming the problem and exit code 1 ({@link UserError} carries its own code); {@code --verbose}
 * adds the stack trace.
 */
final class CliErrors implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    private final boolean verbose;

    CliErrors(boolean verbose) {
        this.verbose = verbose;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                message += " (did you mean " + String.join(" or ", suggestions.subList(0, Math.min(3, suggestions.size()))) + "?)";
            }
        }
        List<String> unmatched = cmd.getUnmatchedArguments();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException) && unmatched != null && !unmatched.isEmpty()) {
            // picocli checks required options first; an unknown option is the more useful news
            message = "Unknown option: '" + String.join("', '", unmatched) + "'; " + message;
        }
        if (verbose && ex.getCause() != null) {
            ex.printStackTrace(err);
        }
        err.println(name(cmd) + ": " + oneLine(message) + " (see " + name(cmd) + " --help)");
        err.flush();
        return UserError.USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        if (verbose) {
            ex.printStackTrace(err);
        }
        int code = 1;
        String message;
        UserError user = find(ex, UserError.class);
        if (user != null) {
            code = user.exitCode();
            message = user.getMessage();
        } else if (find(ex, CommandLine.ParameterException.class) != null) {
            code = UserError.USAGE;
            message = find(ex, CommandLine.ParameterException.class).getMessage();
        } else {
            Throwable t = root(ex);
            if (t instanceof NoSuchFileException f) {
                code = UserError.USAGE;
                message = "no such file: " + f.getFile();
            } else if (t instanceof AccessDeniedException f) {
                message = "permission denied: " + f.getFile();
            } else if (t instanceof FileSystemException f) {
                message = f.getFile() + ": " + (f.getReason() == null ? t.getClass().getSimpleName() : f.getReason());
            } else if (t instanceof OutOfMemoryError) {
                message = "out of memory (raise it with FLOWPULSE_JAVA_OPTS=-Xmx...)";
            } else {
                String m = t.getMessage();
                message = m == null || m.isBlank() ? t.getClass().getSimpleName()
                        : (t instanceof RuntimeException && !(t instanceof IllegalArgumentException || t instanceof IllegalStateException)
                                ? t.getClass().getSimpleName() + ": " + m : m);
            }
            if (!verbose) {
                message += " (--verbose for the stack trace)";
            }
        }
        err.println(name(cmd) + ": " + oneLine(message));
        err.flush();
        return code;
    }

    static String name(CommandLine cmd) {
        return "./" + cmd.getCommandSpec().qualifiedName(" ");
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** The exception that says what went wrong: wrappers (job execution, reflection, futures) removed. */
    static Throwable root(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c
                && (c.getMessage() == null || c instanceof ExecutionException || c instanceof CompletionException
                        || c instanceof InvocationTargetException || c.getClass().getName().startsWith("org.apache.flink.")
                        || (c.getMessage() != null && c.getMessage().equals(c.getCause().toString())))) {
            c = c.getCause();
        }
        return c;
    }
}
