package io.flowpulse.ml.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A time series from a CSV file {@code timestamp,value[,label]} with a header. Timestamps are
 * epoch seconds, epoch milliseconds or ISO-8601 instants (quoted or not); column names are matched
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
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).setTrim(true).get();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser csv = CSVParser.parse(in, format)) {
            java.util.Iterator<CSVRecord> it = csv.iterator();
            if (!it.hasNext()) {
                throw new IOException("empty file " + file);
            }
            List<String> names = new ArrayList<>();
            for (String h : it.next().values()) {
                names.add(h.toLowerCase(Locale.ROOT));
            }
            int timeCol = indexOf(names, 0, "timestamp", "time", "ts");
            int valueCol = indexOf(names, 1, "value");
            int labelCol = labelColumn != null ? names.indexOf(labelColumn.toLowerCase(Locale.ROOT)) : names.indexOf("label");
            if (labelColumn != null && labelCol < 0) {
                throw new IOException("no column " + labelColumn + " in " + names);
            }
            List<long[]> rows = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            while (it.hasNext()) {
                CSVRecord rec = it.next();
                String[] f = rec.values();
                try {
                    long t = parseTime(f[timeCol]);
                    double v = Double.parseDouble(f[valueCol]);
                    long label = labelCol >= 0 && labelCol < f.length && !f[labelCol].isEmpty()
                            ? Math.round(Double.parseDouble(f[labelCol])) : 0;
                    rows.add(new long[] {t, label, values.size()});
                    values.add(v);
                } catch (RuntimeException e) {
                    throw new IOException(file + ":" + csv.getCurrentLineNumber() + ": cannot parse " + rec.toList(), e);
                }
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

    private static int indexOf(List<String> names, int fallback, String... candidates) {
        for (String c : candidates) {
            int i = names.indexOf(c);
            if (i >= 0) {
                return i;
            }
        }
        return fallback;
    }

    static long parseTime(String s) {
        if (!s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-') && s.indexOf('T') < 0
                && s.indexOf(':') < 0) {
            double n = Double.parseDouble(s);
            return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
        }
        return Instant.parse(s).toEpochMilli();
    }
}
