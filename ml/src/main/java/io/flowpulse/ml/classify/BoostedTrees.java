package io.flowpulse.ml.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient-boosted trees (XGBoost's multi:softprob) for serving, in flat arrays: per node a
 * feature (-1 = leaf), a float threshold and the yes/no/missing children (XGBoost goes "yes" when
 * {@code (float) x < threshold}; a missing feature counts as 0, as in training), per leaf its value; each tree adds to
 * the margin of one class, and the probabilities are the softmax of the margins. No allocation per
 * prediction: the margins are computed in the output array.
 */
public final class BoostedTrees extends ClassifierPayload {
    public static final String FORMAT = "flowpulse-gbt-v1";
    private static final int MAX_NODES = 50_000_000;

    private final int[] roots;
    private final int[] treeClass;
    private final int[] feature;
    private final float[] threshold;
    private final int[] yes;
    private final int[] no;
    private final int[] missing;
    private final float[] leaf;

    /** Checks the arrays; returns the schema (a constructor runs this before {@code super}). */
    private static FeatureSchema validated(FeatureSchema schema, List<String> labels, int[] roots, int[] treeClass,
            int[] feature, float[] threshold, int[] yes, int[] no, int[] missing, float[] leaf) {
        int n = feature.length;
        if (threshold.length != n || yes.length != n || no.length != n || missing.length != n || leaf.length != n
                || treeClass.length != roots.length) {
            throw new IllegalArgumentException("inconsistent boosted-tree arrays");
        }
        for (int i = 0; i < n; i++) {
            if (feature[i] < -1 || feature[i] >= schema.size() || (feature[i] >= 0
                    && (bad(yes[i], n) || bad(no[i], n) || bad(missing[i], n)))) {
                throw new IllegalArgumentException("bad node " + i);
            }
        }
        for (int t = 0; t < roots.length; t++) {
            if (bad(roots[t], n) || treeClass[t] < 0 || treeClass[t] >= labels.size()) {
                throw new IllegalArgumentException("bad tree " + t);
            }
        }
        return schema;
    }

    public BoostedTrees(FeatureSchema schema, List<String> labels, int[] roots, int[] treeClass, int[] feature,
            float[] threshold, int[] yes, int[] no, int[] missing, float[] leaf) {
        super(validated(schema, labels, roots, treeClass, feature, threshold, yes, no, missing, leaf), labels);
        this.roots = roots;
        this.treeClass = treeClass;
        this.feature = feature;
        this.threshold = threshold;
        this.yes = yes;
        this.no = no;
        this.missing = missing;
        this.leaf = leaf;
    }

    private static boolean bad(int i, int n) {
        return i < 0 || i >= n;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    public int trees() {
        return roots.length;
    }

    @Override
    public void predictProba(double[] x, double[] out) {
        int k = labels.size();
        java.util.Arrays.fill(out, 0, k, 0.0);
        for (int t = 0; t < roots.length; t++) {
            int node = roots[t];
            while (feature[node] >= 0) {
                double v = x[feature[node]];
                // a missing feature (NaN) counts as 0, as in training (GbtTrainer feeds NaN as 0);
                // XGBoost's own missing branch is kept in the arrays for models trained with NaN
                node = (float) (v != v ? 0.0 : v) < threshold[node] ? yes[node] : no[node];
            }
            out[treeClass[t]] += leaf[node];
        }
        ModelPayloads.softmax(out, k);
    }

    @Override
    protected int sizeHint() {
        return feature.length * 24 + 256;
    }

    @Override
    protected void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(roots.length);
        for (int t = 0; t < roots.length; t++) {
            out.writeInt(roots[t]);
            out.writeInt(treeClass[t]);
        }
        out.writeInt(feature.length);
        for (int i = 0; i < feature.length; i++) {
            out.writeInt(feature[i]);
            out.writeFloat(threshold[i]);
            out.writeInt(yes[i]);
            out.writeInt(no[i]);
            out.writeInt(missing[i]);
            out.writeFloat(leaf[i]);
        }
    }

    public static BoostedTrees decode(byte[] payload) throws IOException {
        Header h = readHeader(payload);
        DataInputStream in = h.in();
        FeatureSchema schema = h.schema();
        List<String> labels = h.labels();
        int k = labels.size();
        int t = in.readInt();
        if (t < 1 || (long) t * 8 > payload.length) {
            throw new IOException("bad tree count " + t);
        }
        int[] roots = new int[t];
        int[] cls = new int[t];
        for (int i = 0; i < t; i++) {
            roots[i] = in.readInt();
            cls[i] = in.readInt();
        }
        int n = in.readInt();
        if (n < 1 || n > MAX_NODES || (long) n * 24 > payload.length) {
            throw new IOException("bad node count " + n);
        }
        int[] f = new int[n];
        float[] th = new float[n];
        int[] y = new int[n];
        int[] no = new int[n];
        int[] m = new int[n];
        float[] lf = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = in.readInt();
            th[i] = in.readFloat();
            y[i] = in.readInt();
            no[i] = in.readInt();
            m[i] = in.readInt();
            lf[i] = in.readFloat();
        }
        if (in.available() > 0) {
            throw new IOException("trailing bytes");
        }
        return new BoostedTrees(schema, labels, roots, cls, f, th, y, no, m, lf);
    }
}
