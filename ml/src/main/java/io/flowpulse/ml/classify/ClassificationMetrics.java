package io.flowpulse.ml.classify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Accuracy, macro precision/recall/F1, MCC (multi-class, Gorodkin), confusion matrix, per-class report. */
public final class ClassificationMetrics {
    public final List<String> classes;
    /** confusion[actual][predicted]. */
    public final long[][] confusion;

    private ClassificationMetrics(List<String> classes, long[][] confusion) {
        this.classes = classes;
        this.confusion = confusion;
    }

    public static ClassificationMetrics of(List<String> actual, List<String> predicted) {
        TreeSet<String> all = new TreeSet<>(actual);
        all.addAll(predicted);
        List<String> classes = new ArrayList<>(all);
        long[][] m = new long[classes.size()][classes.size()];
        for (int i = 0; i < actual.size(); i++) {
            m[classes.indexOf(actual.get(i))][classes.indexOf(predicted.get(i))]++;
        }
        return new ClassificationMetrics(classes, m);
    }

    /** Scores a model on a table (features mapped by name). */
    public static ClassificationMetrics evaluate(ClassifierModel model, LabelledTable data) {
        double[] x = new double[model.featureSchema().size()];
        double[] p = new double[model.labels().size()];
        List<String> predicted = new ArrayList<>(data.size());
        int[] map = new int[x.length];
        for (int i = 0; i < map.length; i++) {
            map[i] = data.names.indexOf(model.featureSchema().names().get(i));
        }
        for (double[] row : data.rows) {
            for (int i = 0; i < x.length; i++) {
                x[i] = map[i] < 0 ? Double.NaN : row[map[i]];
            }
            model.predictProba(x, p);
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            predicted.add(model.labels().get(best));
        }
        return of(data.labels, predicted);
    }

    public long total() {
        long t = 0;
        for (long[] r : confusion) {
            for (long v : r) {
                t += v;
            }
        }
        return t;
    }

    public double accuracy() {
        long ok = 0;
        for (int i = 0; i < classes.size(); i++) {
            ok += confusion[i][i];
        }
        return total() == 0 ? 0 : (double) ok / total();
    }

    public double precision(int c) {
        long col = 0;
        for (long[] r : confusion) {
            col += r[c];
        }
        return col == 0 ? 0 : (double) confusion[c][c] / col;
    }

    public double recall(int c) {
        long row = 0;
        for (long v : confusion[c]) {
            row += v;
        }
        return row == 0 ? 0 : (double) confusion[c][c] / row;
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        return mean(this::precision);
    }

    public double macroRecall() {
        return mean(this::recall);
    }

    public double macroF1() {
        return mean(this::f1);
    }

    private double mean(java.util.function.IntToDoubleFunction f) {
        double s = 0;
        for (int c = 0; c < classes.size(); c++) {
            s += f.applyAsDouble(c);
        }
        return classes.isEmpty() ? 0 : s / classes.size();
    }

    /** Matthews correlation coefficient, multi-class form (Gorodkin 2004). */
    public double mcc() {
        int k = classes.size();
        double s = total();
        double c = 0;
        double[] t = new double[k];
        double[] p = new double[k];
        for (int i = 0; i < k; i++) {
            c += confusion[i][i];
            for (int j = 0; j < k; j++) {
                t[i] += confusion[i][j];
                p[j] += confusion[i][j];
            }
        }
        double tp = 0;
        double pp = 0;
        double tt = 0;
        for (int i = 0; i < k; i++) {
            tp += t[i] * p[i];
            pp += p[i] * p[i];
            tt += t[i] * t[i];
        }
        double den = Math.sqrt(s * s - pp) * Math.sqrt(s * s - tt);
        return den == 0 ? 0 : (c * s - tp) / den;
    }

    public Map<String, Double> summary() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("accuracy", accuracy());
        m.put("macro_precision", macroPrecision());
        m.put("macro_recall", macroRecall());
        m.put("macro_f1", macroF1());
        m.put("mcc", mcc());
        return m;
    }

    /** A printable report: summary, per-class precision/recall/F1/support, confusion matrix. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        summary().forEach((k, v) -> sb.append(String.format("%-16s %.4f%n", k, v)));
        sb.append(String.format("%n%-28s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1", "support"));
        for (int c = 0; c < classes.size(); c++) {
            long support = 0;
            for (long v : confusion[c]) {
                support += v;
            }
            sb.append(String.format("%-28s %9.4f %9.4f %9.4f %9d%n", classes.get(c), precision(c), recall(c), f1(c), support));
        }
        sb.append("\nconfusion matrix (rows = actual, columns = predicted, in the class order above):\n");
        for (int c = 0; c < classes.size(); c++) {
            StringBuilder line = new StringBuilder(String.format("%-28s", classes.get(c)));
            for (long v : confusion[c]) {
                line.append(String.format("%7d", v));
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }
}
