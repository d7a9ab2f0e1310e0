package io.flowpulse.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Minimal {@code --name value} / {@code --flag} parser for the CLI commands, with usage errors. */
public final class CliArgs {
    private final Map<String, String> values = new LinkedHashMap<>();

    private CliArgs() {}

    /** Parses; {@code flags} are options without a value. Unknown options are an error. */
    public static CliArgs parse(String[] args, Set<String> options, Set<String> flags) {
        CliArgs a = new CliArgs();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                a.values.put(name, value == null ? "true" : value);
            } else if (options.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                a.values.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String def) {
        return values.getOrDefault(name, def);
    }

    public String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public long getLong(String name, long def) {
        return has(name) ? Long.parseLong(values.get(name)) : def;
    }

    public int getInt(String name, int def) {
        return has(name) ? Integer.parseInt(values.get(name)) : def;
    }

    public double getDouble(String name, double def) {
        return has(name) ? Double.parseDouble(values.get(name)) : def;
    }

    /** Durations like 90s, 3m, 2h, 14d, or ISO-8601 (PT3M). */
    public Duration getDuration(String name, Duration def) {
        return has(name) ? parseDuration(values.get(name)) : def;
    }

    public static Duration parseDuration(String s) {
        String v = s.trim().toLowerCase();
        if (v.startsWith("p")) {
            return Duration.parse(s.toUpperCase());
        }
        long n = Long.parseLong(v.replaceAll("[a-z]+$", ""));
        String unit = v.replaceAll("^[0-9]+", "");
        switch (unit) {
            case "ms": return Duration.ofMillis(n);
            case "": case "s": return Duration.ofSeconds(n);
            case "m": case "min": return Duration.ofMinutes(n);
            case "h": return Duration.ofHours(n);
            case "d": return Duration.ofDays(n);
            default: throw new UsageException("bad duration: " + s);
        }
    }

    /** A usage error: the CLI prints it with the command's help and exits 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
