package io.flowpulse.cli;

import io.flowpulse.sinks.AnomalyChart;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Scored points (value, expected, band, anomalous flag) read from a scores CSV: the one of
 * {@code evaluate-detector} (timestamp,value,expected,lower,upper,score,anomalous[,label]) or the
 * demo's anomalies.csv (keyed by device, port, direction), for charts.
 */
public final class ScoredSeries {
    private ScoredSeries() {}

    /** One series of scored points. */
    public static final class Series {
        final List<Long> millis = new ArrayList<>();
        final List<double[]> vals = new ArrayList<>(); // value, expected, lower, upper
        final List<Boolean> anomalous = new ArrayList<>();

        long anomalousCount() {
            return anomalous.stream().filter(b -> b).count();
        }

        public void write(Path png, String title, int escalateAfter, int width, int height, String yLabel) throws java.io.IOException {
            write(png, title, escalateAfter, width, height, yLabel, List.of());
        }

        /** With ground-truth intervals marked ({@link AnomalyChart}). */
        public void write(Path png, String title, int escalateAfter, int width, int height, String yLabel,
                List<long[]> truth) throws java.io.IOException {
            int n = millis.size();
            long[] t = new long[n];
            double[] v = new double[n];
            double[] e = new double[n];
            double[] lo = new double[n];
            double[] hi = new double[n];
            int[] sev = new int[n];
            int run = 0;
            for (int i = 0; i < n; i++) {
                t[i] = millis.get(i);
                v[i] = vals.get(i)[0];
                e[i] = vals.get(i)[1];
                lo[i] = vals.get(i)[2];
                hi[i] = vals.get(i)[3];
                run = anomalous.get(i) ? run + 1 : 0;
                sev[i] = run == 0 ? AnomalyChart.NONE : run >= escalateAfter ? AnomalyChart.CRITICAL : AnomalyChart.WARNING;
            }
            AnomalyChart.write(png, title, t, v, e, lo, hi, sev, width, height, yLabel, truth);
        }
    }

    /** Reads scored points grouped by series key (device|port|direction, or "" for a single series). */
    public static Map<String, Series> read(Path csv) throws java.io.IOException {
        Map<String, Series> out = new LinkedHashMap<>();
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true)
                .setTrim(true).setAllowMissingColumnNames(true).get();
        try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser p = CSVParser.parse(r, format)) {
            Map<String, Integer> col = p.getHeaderMap();
            if (col == null || col.isEmpty()) {
                return out;
            }
            String time = first(col, "timestamp", "bucket_end", "bucketEndMillis");
            if (time == null || !col.containsKey("value") || !col.containsKey("expected") || !col.containsKey("lower")
                    || !col.containsKey("upper") || !col.containsKey("anomalous")) {
                throw UserError.input(csv + " needs the columns timestamp,value,expected,lower,upper,anomalous; it has " + col.keySet());
            }
            boolean keyed = col.containsKey("device") && col.containsKey("port") && col.containsKey("direction");
            for (CSVRecord rec : p) {
                String key = keyed ? rec.get("device") + "|" + rec.get("port") + "|" + rec.get("direction") : "";
                Series s = out.computeIfAbsent(key, k2 -> new Series());
                String ts = rec.get(time);
                try {
                    s.millis.add(ts.matches("-?\\d+") ? Long.parseLong(ts) : Instant.parse(ts).toEpochMilli());
                } catch (java.time.format.DateTimeParseException e) {
                    throw UserError.input(csv + " line " + p.getCurrentLineNumber() + ": '" + ts + "' is not an ISO-8601 time");
                }
                s.vals.add(new double[] {num(rec.get("value")), num(rec.get("expected")), num(rec.get("lower")), num(rec.get("upper"))});
                String flag = rec.get("anomalous");
                s.anomalous.add(flag.equals("1") || flag.equalsIgnoreCase("true"));
            }
        } catch (IllegalStateException | IllegalArgumentException | java.io.UncheckedIOException e) {
            throw UserError.input(csv + " is not a readable CSV: " + e.getMessage(), e);
        }
        return out;
    }

    private static String first(Map<String, Integer> col, String... names) {
        for (String n : names) {
            if (col.containsKey(n)) {
                return n;
            }
        }
        return null;
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
