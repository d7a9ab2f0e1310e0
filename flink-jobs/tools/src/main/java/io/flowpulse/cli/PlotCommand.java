package io.flowpulse.cli;

import io.flowpulse.sinks.AnomalyChart;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./flowpulse plot --input scores.csv --output chart.png}: the traffic line, the expected
 * band in green behind it, warning points yellow, critical points red. Reads the scores CSV of
 * {@code evaluate-detector} (timestamp,value,expected,lower,upper,score,anomalous[,label]) or the
 * demo's anomalies.csv (one chart per device|port|direction; --key picks one). Severity follows the
 * escalation rule of the job: an anomalous point is a warning, and from the
 * {@code --escalate-after}-th consecutive one on (default 4) critical.
 */
public final class PlotCommand implements Command {
    @Override
    public String name() {
        return "plot";
    }

    @Override
    public String summary() {
        return "chart of a scored series: traffic, expected band (green), warning (yellow) and critical (red) points";
    }

    @Override
    public int run(String[] args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("input", "output", "key", "title", "escalate-after", "width", "height", "y-label"), Set.of());
        Map<String, Series> series = read(Path.of(a.require("input")));
        if (series.isEmpty()) {
            throw new CliArgs.UsageException("no rows in " + a.require("input"));
        }
        String key = a.get("key", series.keySet().iterator().next());
        Series s = series.get(key);
        if (s == null) {
            throw new CliArgs.UsageException("no series '" + key + "'; series: " + series.keySet());
        }
        Path out = Path.of(a.require("output"));
        s.write(out, a.get("title", key.isEmpty() ? a.require("input") : key), a.getInt("escalate-after", 4),
                a.getInt("width", 1400), a.getInt("height", 500), a.get("y-label", "value"));
        System.out.println("wrote " + out + " (" + s.millis.size() + " points, " + s.anomalousCount() + " anomalous)");
        return 0;
    }

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
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String headerLine = r.readLine();
            if (headerLine == null) {
                return out;
            }
            String[] header = headerLine.split(",", -1);
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                col.put(header[i].trim(), i);
            }
            Integer time = col.containsKey("bucketEndMillis") ? col.get("bucketEndMillis") : col.get("timestamp");
            if (time == null || !col.containsKey("value") || !col.containsKey("expected") || !col.containsKey("lower")
                    || !col.containsKey("upper") || !col.containsKey("anomalous")) {
                throw new CliArgs.UsageException("need columns timestamp|bucketEndMillis,value,expected,lower,upper,anomalous in " + csv);
            }
            boolean keyed = col.containsKey("device") && col.containsKey("port") && col.containsKey("direction");
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] v = line.split(",", -1);
                String key = keyed ? v[col.get("device")] + "|" + v[col.get("port")] + "|" + v[col.get("direction")] : "";
                Series s = out.computeIfAbsent(key, k -> new Series());
                String ts = v[time].trim();
                s.millis.add(ts.matches("-?\\d+") ? Long.parseLong(ts) : Instant.parse(ts).toEpochMilli());
                s.vals.add(new double[] {num(v[col.get("value")]), num(v[col.get("expected")]), num(v[col.get("lower")]),
                        num(v[col.get("upper")])});
                String flag = v[col.get("anomalous")].trim();
                s.anomalous.add(flag.equals("1") || flag.equalsIgnoreCase("true"));
            }
        }
        return out;
    }

    private static double num(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
