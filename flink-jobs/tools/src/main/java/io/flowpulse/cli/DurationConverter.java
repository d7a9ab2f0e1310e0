package io.flowpulse.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** Option values like {@code 90s}, {@code 3m}, {@code 2h}, {@code 14d}, {@code 250ms} or ISO-8601 ({@code PT3M}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String s) {
        String v = s.trim().toLowerCase();
        try {
            if (v.startsWith("p")) {
                return Duration.parse(s.trim().toUpperCase());
            }
            String digits = v.replaceAll("[a-z ]+$", "");
            String unit = v.substring(digits.length()).trim();
            long n = Long.parseLong(digits);
            switch (unit) {
                case "ms": return Duration.ofMillis(n);
                case "": case "s": case "sec": return Duration.ofSeconds(n);
                case "m": case "min": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: break;
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            // below
        }
        throw new CommandLine.TypeConversionException("'" + s + "' is not a duration (e.g. 90s, 3m, 2h, 14d, 250ms, PT3M)");
    }
}
