package io.flowpulse.ml.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Multinomial logistic regression for serving: features standardized with the training mean and
 * standard deviation (a missing feature counts as the mean), then softmax(W z + b). No allocation
 * per prediction.
 */
public final class LinearModel extends ClassifierPayload {
    public static final String FORMAT = "flowpulse-linear-v1";

    private final double[] mean;
    private final double[] std;
    /** weights[c * n + j]. */
    private final double[] weights;
    private final double[] bias;

    public LinearModel(FeatureSchema schema, List<String> labels, double[] mean, double[] std, double[] weights, double[] bias) {
        super(schema, labels);
        int n = schema.size();
        int k = labels.size();
        if (mean.length != n || std.length != n || weights.length != (long) n * k || bias.length != k) {
            throw new IllegalArgumentException("inconsistent linear model arrays");
        }
        this.mean = mean;
        this.std = std;
        this.weights = weights;
        this.bias = bias;
    }

    /** Standardizes one raw value of feature j as the model does (NaN -> 0). */
    public double standardize(int j, double v) {
        return v != v ? 0.0 : (v - mean[j]) / std[j];
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void predictProba(double[] x, double[] out) {
        int n = mean.length;
        int k = bias.length;
        for (int c = 0; c < k; c++) {
            double s = bias[c];
            int base = c * n;
            for (int j = 0; j < n; j++) {
                s += weights[base + j] * standardize(j, x[j]);
            }
            out[c] = s;
        }
        ModelPayloads.softmax(out, k);
    }

    @Override
    protected void writeBody(DataOutputStream out) throws IOException {
        for (int j = 0; j < mean.length; j++) {
            out.writeDouble(mean[j]);
            out.writeDouble(std[j]);
        }
        for (double w : weights) {
            out.writeDouble(w);
        }
        for (double b : bias) {
            out.writeDouble(b);
        }
    }

    public static LinearModel decode(byte[] payload) throws IOException {
        Header h = readHeader(payload);
        DataInputStream in = h.in();
        FeatureSchema schema = h.schema();
        List<String> labels = h.labels();
        int k = labels.size();
        int n = schema.size();
        if ((long) n * k * 8 > payload.length) {
            throw new IOException("payload too short for " + n + " features x " + k + " classes");
        }
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int j = 0; j < n; j++) {
            mean[j] = in.readDouble();
            std[j] = in.readDouble();
        }
        double[] w = new double[n * k];
        for (int i = 0; i < w.length; i++) {
            w[i] = in.readDouble();
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = in.readDouble();
        }
        if (in.available() > 0) {
            throw new IOException("trailing bytes");
        }
        return new LinearModel(schema, labels, mean, std, w, b);
    }
}
