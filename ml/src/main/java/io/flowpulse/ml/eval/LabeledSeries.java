package io.flowpulse.ml.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A time series from a CSV file {@code timestamp,value[,label]} with a header. Timestamps are
 * epoch seconds, epoch milliseconds, ISO-8601 instants or {@code yyyy-MM-dd HH:mm:ss} read as UTC
 * (quoted or not; see {@link #parseTime}); an empty or {@code NaN} value is a missing point
 * ({@code NaN} in {@link #values}); a malformed row is a {@link SeriesFormatException} naming the
 * file and row. Column names are matched
 * case-insensitively ({@code TimeStamp,Value,Label} of the Microsoft cloud-monitoring set,
 * {@code timestamp,value,label} of Bagel's KPI). Rows are sorted by time.
 *
 * @param times epoch milliseconds
 * @param labels 0/1 per point, or null when the file has no label column
 */
public record LabeledSeries(long[] times, double[] values, int[] labels) {

    public int size() {
        return times.length;
    }

    /** Points without a value. */
    public int missing() {
        int m = 0;
        for (double v : values) {
            m += Double.isNaN(v) ? 1 : 0;
        }
        return m;
    }

    public boolean labelled() {
        return labels != null;
    }

    /** Median step between points, in milliseconds. */
    public long medianStepMillis() {
        if (times.length < 2) {
            throw new IllegalStateException("need at least two points");
        }
        long[] steps = new long[times.length - 1];
        for (int i = 1; i < times.length; i++) {
            steps[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(steps);
        return steps[steps.length / 2];
    }

    /**
     * Reads the file. {@code labelColumn} null: use a column named {@code label} when present.
     */
    public static LabeledSeries read(Path file, String labelColumn) throws IOException {
        // Blank lines are kept as records (and skipped below) so that a record's number is its line number.
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).setTrim(true).get();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser csv = CSVParser.parse(in, format)) {
            java.util.Iterator<CSVRecord> it = csv.iterator();
            CSVRecord headerRecord = null;
            while (headerRecord == null && hasNext(it, file)) {
                CSVRecord r = it.next();
                headerRecord = blank(r) ? null : r;
            }
            if (headerRecord == null) {
                throw new SeriesFormatException(file + ": empty file (expected a header timestamp,value[,label])");
            }
            List<String> names = new ArrayList<>();
            for (String h : headerRecord.values()) {
                names.add(h.toLowerCase(Locale.ROOT));
            }
            int timeCol = indexOf(names, 0, "timestamp", "time", "ts");
            int valueCol = indexOf(names, 1, "value");
            int labelCol = labelColumn != null ? names.indexOf(labelColumn.toLowerCase(Locale.ROOT)) : names.indexOf("label");
            if (labelColumn != null && labelCol < 0) {
                throw new SeriesFormatException(file + ":1: no column " + labelColumn + " in " + names);
            }
            List<long[]> rows = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            while (hasNext(it, file)) {
                CSVRecord rec = it.next();
                if (blank(rec)) {
                    continue;
                }
                String[] f = rec.values();
                try {
                    if (f.length <= Math.max(timeCol, valueCol)) {
                        throw new IllegalArgumentException("expected " + names.size() + " columns, found " + f.length);
                    }
                    long t = parseTime(f[timeCol]);
                    double v = parseValue(f[valueCol]);
                    long label = labelCol >= 0 && labelCol < f.length && !f[labelCol].isEmpty()
                            ? Math.round(Double.parseDouble(f[labelCol])) : 0;
                    rows.add(new long[] {t, label, values.size()});
                    values.add(v);
                } catch (RuntimeException e) {
                    String why = e instanceof NumberFormatException ? "not a number" : e.getMessage();
                    throw new SeriesFormatException(file + ":" + rec.getRecordNumber() + ": " + why + " in '"
                            + abbreviate(String.join(",", f)) + "'");
                }
            }
            if (rows.isEmpty()) {
                throw new SeriesFormatException(file + ": no data rows after the header");
            }
            rows.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] times = new long[rows.size()];
            double[] vals = new double[rows.size()];
            int[] labels = labelCol >= 0 ? new int[rows.size()] : null;
            for (int i = 0; i < rows.size(); i++) {
                long[] r = rows.get(i);
                times[i] = r[0];
                vals[i] = values.get((int) r[2]);
                if (labels != null) {
                    labels[i] = r[1] != 0 ? 1 : 0;
                }
            }
            return new LabeledSeries(times, vals, labels);
        }
    }

    /** A number; empty or {@code NaN} is a missing value ({@code NaN}). */
    private static double parseValue(String s) {
        if (s.isEmpty() || s.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("value '" + s + "' is not finite");
        }
        return v;
    }

    private static String abbreviate(String line) {
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    /** A file that is not a readable series: the message names the file and row, on one line. */
    public static final class SeriesFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        public SeriesFormatException(String message) {
            super(message);
        }
    }

    private static int indexOf(List<String> names, int fallback, String... candidates) {
        for (String c : candidates) {
            int i = names.indexOf(c);
            if (i >= 0) {
                return i;
            }
        }
        return fallback;
    }

    private static boolean blank(CSVRecord r) {
        return r.size() == 1 && r.get(0).isEmpty();
    }

    /** {@code it.hasNext()}, with a malformed CSV (an unclosed quote, say) as a one-line {@link SeriesFormatException}. */
    private static boolean hasNext(java.util.Iterator<CSVRecord> it, Path file) throws SeriesFormatException {
        try {
            return it.hasNext();
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new SeriesFormatException(file + ": malformed CSV: " + cause.getMessage().replace('\n', ' '));
        }
    }

    /**
     * Epoch seconds (below 10^11, fractions allowed) or milliseconds; an ISO-8601 instant or
     * offset date-time ({@code 2014-04-10T00:04:00Z}, {@code ...+02:00}); a local date-time read
     * as UTC, with {@code T} or a space between date and time ({@code 2014-04-10 00:04:00},
     * fractions of seconds allowed).
     */
    static long parseTime(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty timestamp");
        }
        if ((Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.indexOf('T') < 0
                && s.indexOf(':') < 0 && s.indexOf(' ') < 0 && s.indexOf('-', 1) < 0) {
            double n;
            try {
                n = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("timestamp '" + s + "' is neither epoch seconds/millis, "
                        + "ISO-8601 nor yyyy-MM-dd HH:mm:ss");
            }
            return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
        }
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        try {
            return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("timestamp '" + s + "' is neither epoch seconds/millis, "
                        + "ISO-8601 nor yyyy-MM-dd HH:mm:ss");
            }
        }
    }
}
