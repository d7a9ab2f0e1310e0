package io.flowpulse.ml.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained tree ensemble in flat arrays for serving: per node a feature index (-1 = leaf), a
 * threshold, and the two children; per leaf a class distribution. A flow goes right when
 * {@code x[feature] > threshold} (a missing feature, NaN, is 0), as in Tribuo's CART. Probabilities are the mean
 * of the trees' leaf distributions (Tribuo's fully weighted voting). No allocation per prediction.
 */
public final class CompactForest extends ClassifierPayload {
    public static final String FORMAT = "flowpulse-forest-v1";
    private static final int MAX_NODES = 50_000_000;

    private final int[] roots;
    private final int[] feature;
    private final double[] threshold;
    private final int[] left;
    private final int[] right;
    /** For a leaf node i: the distribution at leafProbs[i * nClasses ...]; unused for splits. */
    private final double[] leafProbs;

    public CompactForest(FeatureSchema schema, List<String> labels, int[] roots, int[] feature, double[] threshold,
            int[] left, int[] right, double[] leafProbs) {
        super(schema, labels);
        this.roots = roots;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.leafProbs = leafProbs;
        int n = feature.length;
        if (threshold.length != n || left.length != n || right.length != n || leafProbs.length != (long) n * labels.size()) {
            throw new IllegalArgumentException("inconsistent forest arrays");
        }
        for (int i = 0; i < n; i++) {
            if (feature[i] >= schema.size() || feature[i] < -1
                    || (feature[i] >= 0 && (left[i] < 0 || left[i] >= n || right[i] < 0 || right[i] >= n))) {
                throw new IllegalArgumentException("bad node " + i);
            }
        }
        for (int r : roots) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException("bad root " + r);
            }
        }
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
        for (int root : roots) {
            int node = root;
            while (feature[node] >= 0) {
                double v = x[feature[node]];
                // a missing (NaN) feature counts as 0, as in training (Tribuo's sparse vectors)
                node = (v != v ? 0.0 : v) > threshold[node] ? right[node] : left[node];
            }
            int base = node * k;
            for (int c = 0; c < k; c++) {
                out[c] += leafProbs[base + c];
            }
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            sum += out[c];
        }
        if (sum > 0) {
            for (int c = 0; c < k; c++) {
                out[c] /= sum;
            }
        }
    }

    @Override
    protected int sizeHint() {
        return feature.length * 40 + 256;
    }

    @Override
    protected void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(roots.length);
        for (int r : roots) {
            out.writeInt(r);
        }
        out.writeInt(feature.length);
        for (int i = 0; i < feature.length; i++) {
            out.writeInt(feature[i]);
            out.writeDouble(threshold[i]);
            out.writeInt(left[i]);
            out.writeInt(right[i]);
        }
        for (double p : leafProbs) {
            out.writeDouble(p);
        }
    }

    public static CompactForest decode(byte[] payload) throws IOException {
        Header h = readHeader(payload);
        DataInputStream in = h.in();
        FeatureSchema schema = h.schema();
        List<String> labels = h.labels();
        int k = labels.size();
        int t = in.readInt();
        if (t < 1 || t > 100_000) {
            throw new IOException("bad tree count " + t);
        }
        int[] roots = new int[t];
        for (int i = 0; i < t; i++) {
            roots[i] = in.readInt();
        }
        int n = in.readInt();
        if (n < 1 || n > MAX_NODES || (long) n * (20 + 8L * k) > payload.length) {
            throw new IOException("bad node count " + n);
        }
        int[] feature = new int[n];
        double[] threshold = new double[n];
        int[] left = new int[n];
        int[] right = new int[n];
        for (int i = 0; i < n; i++) {
            feature[i] = in.readInt();
            threshold[i] = in.readDouble();
            left[i] = in.readInt();
            right[i] = in.readInt();
        }
        double[] leafProbs = new double[n * k];
        for (int i = 0; i < leafProbs.length; i++) {
            leafProbs[i] = in.readDouble();
        }
        if (in.available() > 0) {
            throw new IOException("trailing bytes");
        }
        return new CompactForest(schema, labels, roots, feature, threshold, left, right, leafProbs);
    }
}
