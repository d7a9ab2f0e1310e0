package io.flowpulse.ml.classify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A labelled feature table: named numeric columns, one label per row. Plain Java. */
public final class LabelledTable {
    public final List<String> names;
    public final List<double[]> rows;
    public final List<String> labels;

    public LabelledTable(List<String> names, List<double[]> rows, List<String> labels) {
        this.names = List.copyOf(names);
        this.rows = rows;
        this.labels = labels;
    }

    public int size() {
        return rows.size();
    }

    /**
     * Reads a CSV (plain or .gz) with a header. Columns that are numeric in every row become
     * features (unless {@code features} lists them explicitly); the label column is kept as text.
     */
    public static LabelledTable fromCsv(Path file, String labelColumn, List<String> features) throws IOException {
        List<String[]> raw = new ArrayList<>();
        String[] header;
        try (InputStream in0 = Files.newInputStream(file);
                InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(in0) : in0;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                CSVParser csv = CSVParser.parse(r, CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get())) {
            java.util.Iterator<CSVRecord> it = csv.iterator();
            if (!it.hasNext()) {
                throw new IllegalArgumentException("empty file " + file);
            }
            header = it.next().values();
            while (it.hasNext()) {
                CSVRecord rec = it.next();
                if (rec.size() < header.length) {
                    throw new IllegalArgumentException("line " + csv.getCurrentLineNumber() + " has " + rec.size()
                            + " columns, the header " + header.length);
                }
                raw.add(rec.values());
            }
        }
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
            col.put(header[i].trim(), i);
        }
        Integer lc = col.get(labelColumn);
        if (lc == null) {
            throw new IllegalArgumentException("no label column '" + labelColumn + "' in " + col.keySet());
        }
        List<String> names = new ArrayList<>();
        if (features != null && !features.isEmpty()) {
            names.addAll(features);
        } else {
            for (Map.Entry<String, Integer> e : col.entrySet()) {
                if (e.getValue().equals(lc)) {
                    continue;
                }
                boolean numeric = true;
                for (String[] row : raw) {
                    if (!isNumber(row[e.getValue()])) {
                        numeric = false;
                        break;
                    }
                }
                if (numeric) {
                    names.add(e.getKey());
                }
            }
        }
        List<double[]> rows = new ArrayList<>(raw.size());
        List<String> labels = new ArrayList<>(raw.size());
        for (String[] row : raw) {
            double[] x = new double[names.size()];
            for (int i = 0; i < x.length; i++) {
                Integer c = col.get(names.get(i));
                if (c == null) {
                    throw new IllegalArgumentException("no column '" + names.get(i) + "'");
                }
                x[i] = parse(row[c]);
            }
            rows.add(x);
            labels.add(row[lc].trim());
        }
        return new LabelledTable(names, rows, labels);
    }

    private static boolean isNumber(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("-inf")
                || t.equalsIgnoreCase("infinity")) {
            return true;
        }
        try {
            Double.parseDouble(t);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static double parse(String s) {
        String t = s.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
            return Double.MAX_VALUE;
        }
        if (t.equalsIgnoreCase("-inf")) {
            return -Double.MAX_VALUE;
        }
        double v = Double.parseDouble(t);
        return Double.isInfinite(v) ? Math.copySign(Double.MAX_VALUE, v) : v;
    }

    /** The same table without the named feature columns. */
    public LabelledTable without(List<String> drop) {
        List<Integer> keep = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!drop.contains(names.get(i))) {
                keep.add(i);
                kept.add(names.get(i));
            }
        }
        List<double[]> out = new ArrayList<>(rows.size());
        for (double[] r : rows) {
            double[] x = new double[keep.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = r[keep.get(i)];
            }
            out.add(x);
        }
        return new LabelledTable(kept, out, labels);
    }

    /** A stratified split: {@code testFraction} of every class goes to the second table. */
    public LabelledTable[] stratifiedSplit(double testFraction, long seed) {
        Map<String, List<Integer>> byClass = new HashMap<>();
        for (int i = 0; i < size(); i++) {
            byClass.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<double[]> trX = new ArrayList<>();
        List<String> trY = new ArrayList<>();
        List<double[]> teX = new ArrayList<>();
        List<String> teY = new ArrayList<>();
        for (String c : new java.util.TreeSet<>(byClass.keySet())) {
            List<Integer> idx = byClass.get(c);
            for (int i = idx.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = idx.get(i);
                idx.set(i, idx.get(j));
                idx.set(j, t);
            }
            int nTest = (int) Math.round(idx.size() * testFraction);
            for (int k = 0; k < idx.size(); k++) {
                (k < nTest ? teX : trX).add(rows.get(idx.get(k)));
                (k < nTest ? teY : trY).add(labels.get(idx.get(k)));
            }
        }
        return new LabelledTable[] {new LabelledTable(names, trX, trY), new LabelledTable(names, teX, teY)};
    }
}
