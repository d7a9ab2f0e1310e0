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

/**
 * A labelled feature table: named numeric columns, one label per row, and optionally one group
 * per row (a capture or session id) so that splits can keep a group on one side. Plain Java.
 */
public final class LabelledTable {
    public final List<String> names;
    public final List<double[]> rows;
    public final List<String> labels;
    /** Group (capture/session) of every row, or null when the table has none. */
    public final List<String> groups;

    public LabelledTable(List<String> names, List<double[]> rows, List<String> labels) {
        this(names, rows, labels, null);
    }

    public LabelledTable(List<String> names, List<double[]> rows, List<String> labels, List<String> groups) {
        this.names = List.copyOf(names);
        this.rows = rows;
        this.labels = labels;
        if (groups != null && groups.size() != rows.size()) {
            throw new IllegalArgumentException("groups: " + groups.size() + " for " + rows.size() + " rows");
        }
        this.groups = groups;
    }

    public boolean hasGroups() {
        return groups != null;
    }

    public int size() {
        return rows.size();
    }

    /**
     * Reads a CSV (plain or .gz) with a header, or every {@code *.csv} / {@code *.csv.gz} of a
     * directory (in name order, all with the same header). Columns that are numeric in every row
     * become features (unless {@code features} lists them explicitly); the label column is kept as text.
     */
    public static LabelledTable fromCsv(Path file, String labelColumn, List<String> features) throws IOException {
        return fromCsv(file, labelColumn, features, null, 0);
    }

    /**
     * As {@link #fromCsv(Path, String, List)}, with the text column {@code groupColumn} (null: none)
     * as each row's group, through {@link #groupKey} with {@code groupBlock}. The group column is
     * never a feature.
     */
    public static LabelledTable fromCsv(Path file, String labelColumn, List<String> features, String groupColumn,
            int groupBlock) throws IOException {
        List<String[]> raw = new ArrayList<>();
        String[] header = null;
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(file)) {
            try (java.util.stream.Stream<Path> s = Files.list(file)) {
                s.filter(f -> f.getFileName().toString().endsWith(".csv") || f.getFileName().toString().endsWith(".csv.gz"))
                        .sorted().forEach(files::add);
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no .csv files in " + file);
            }
        } else {
            files.add(file);
        }
        for (Path f : files) {
            try (InputStream in0 = Files.newInputStream(f);
                    InputStream in = f.toString().endsWith(".gz") ? new GZIPInputStream(in0) : in0;
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    CSVParser csv = CSVParser.parse(r, CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get())) {
                java.util.Iterator<CSVRecord> it = csv.iterator();
                if (!it.hasNext()) {
                    throw new IllegalArgumentException("empty file " + f);
                }
                String[] h = it.next().values();
                if (header == null) {
                    header = h;
                } else if (!java.util.Arrays.equals(header, h)) {
                    throw new IllegalArgumentException("header of " + f + " differs from the first file's");
                }
                while (it.hasNext()) {
                    CSVRecord rec = it.next();
                    if (rec.size() < header.length) {
                        throw new IllegalArgumentException(f.getFileName() + " line " + csv.getCurrentLineNumber() + " has "
                                + rec.size() + " columns, the header " + header.length);
                    }
                    raw.add(rec.values());
                }
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
        Integer gc = groupColumn == null ? null : col.get(groupColumn);
        if (groupColumn != null && gc == null) {
            throw new IllegalArgumentException("no group column '" + groupColumn + "' in " + col.keySet());
        }
        List<String> names = new ArrayList<>();
        if (features != null && !features.isEmpty()) {
            names.addAll(features);
        } else {
            for (Map.Entry<String, Integer> e : col.entrySet()) {
                if (e.getValue().equals(lc) || e.getValue().equals(gc)) {
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
        List<String> groups = gc == null ? null : new ArrayList<>(raw.size());
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
            if (groups != null) {
                groups.add(groupKey(row[gc].trim(), groupBlock));
            }
        }
        return new LabelledTable(names, rows, labels, groups);
    }

    /**
     * The group of a row from its group column value. With {@code block > 0} and a value ending in
     * a number ({@code GoogleDoc-1017}), consecutive numbers form one group of {@code block}
     * ({@code GoogleDoc#20}): a stand-in for capture sessions when the data carries only numbered
     * flow files (flows numbered in capture order). Otherwise the value itself.
     */
    public static String groupKey(String value, int block) {
        if (block <= 0) {
            return value;
        }
        int end = value.length();
        int start = end;
        while (start > 0 && Character.isDigit(value.charAt(start - 1))) {
            start--;
        }
        if (start == end || end - start > 15) {
            return value;
        }
        String prefix = value.substring(0, start);
        while (prefix.endsWith("-") || prefix.endsWith("_")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix + "#" + (Long.parseLong(value.substring(start)) / block);
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
        return new LabelledTable(kept, out, labels, groups);
    }

    /** The rows at {@code index}, in that order (groups kept). */
    public LabelledTable select(List<Integer> index) {
        List<double[]> x = new ArrayList<>(index.size());
        List<String> y = new ArrayList<>(index.size());
        List<String> g = groups == null ? null : new ArrayList<>(index.size());
        for (int i : index) {
            x.add(rows.get(i));
            y.add(labels.get(i));
            if (g != null) {
                g.add(groups.get(i));
            }
        }
        return new LabelledTable(names, x, y, g);
    }

    /**
     * At most {@code maxRows} rows, the same share of every class (seeded); the table itself when
     * it is not larger. For short runs on a loaded machine.
     */
    public LabelledTable subsample(int maxRows, long seed) {
        if (maxRows <= 0 || size() <= maxRows) {
            return this;
        }
        return stratifiedSplit(1.0 - (double) maxRows / size(), seed)[0];
    }

    /**
     * A grouped split: whole groups go to one side, so no capture/session has flows on both sides.
     * Groups are drawn per class (the class of most of the group's rows) in a seeded order until
     * about {@code testFraction} of that class's rows are in the test table; a class with at least
     * two groups keeps at least one on each side. Needs {@link #groups}.
     */
    public LabelledTable[] groupedSplit(double testFraction, long seed) {
        if (groups == null) {
            throw new IllegalStateException("the table has no group column");
        }
        Map<String, List<Integer>> rowsOfGroup = new java.util.TreeMap<>();
        for (int i = 0; i < size(); i++) {
            rowsOfGroup.computeIfAbsent(groups.get(i), k -> new ArrayList<>()).add(i);
        }
        Map<String, List<String>> groupsOfClass = new java.util.TreeMap<>();
        for (Map.Entry<String, List<Integer>> e : rowsOfGroup.entrySet()) {
            Map<String, Integer> count = new java.util.TreeMap<>();
            for (int i : e.getValue()) {
                count.merge(labels.get(i), 1, Integer::sum);
            }
            String majority = count.entrySet().stream().max(Map.Entry.comparingByValue()).get().getKey();
            groupsOfClass.computeIfAbsent(majority, k -> new ArrayList<>()).add(e.getKey());
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<String> gs : groupsOfClass.values()) {
            for (int i = gs.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                String t = gs.get(i);
                gs.set(i, gs.get(j));
                gs.set(j, t);
            }
            int classRows = 0;
            for (String g : gs) {
                classRows += rowsOfGroup.get(g).size();
            }
            double target = classRows * testFraction;
            int inTest = 0;
            for (int k = 0; k < gs.size(); k++) {
                List<Integer> r = rowsOfGroup.get(gs.get(k));
                boolean toTest = gs.size() >= 2 && k < gs.size() - 1
                        && (k == 0 || inTest + r.size() / 2.0 <= target);
                if (toTest && testFraction > 0) {
                    test.addAll(r);
                    inTest += r.size();
                } else {
                    train.addAll(r);
                }
            }
        }
        java.util.Collections.sort(train);
        java.util.Collections.sort(test);
        return new LabelledTable[] {select(train), select(test)};
    }

    /** {@link #groupedSplit} when the table has groups, else {@link #stratifiedSplit}. */
    public LabelledTable[] split(double testFraction, long seed) {
        return groups != null ? groupedSplit(testFraction, seed) : stratifiedSplit(testFraction, seed);
    }

    /** A stratified split: {@code testFraction} of every class goes to the second table. */
    public LabelledTable[] stratifiedSplit(double testFraction, long seed) {
        Map<String, List<Integer>> byClass = new HashMap<>();
        for (int i = 0; i < size(); i++) {
            byClass.computeIfAbsent(labels.get(i), k -> new ArrayList<>()).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
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
                (k < nTest ? test : train).add(idx.get(k));
            }
        }
        return new LabelledTable[] {select(train), select(test)};
    }
}
