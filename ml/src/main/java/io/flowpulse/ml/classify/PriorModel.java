package io.flowpulse.ml.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The simplest classifier: class priors, optionally split on one feature threshold (a decision
 * stump). A baseline and a test double that goes through the same encode/decode and serving path
 * as real models.
 */
public final class PriorModel extends ClassifierPayload {
    public static final String FORMAT = "flowpulse-stump-v1";

    private final int feature;
    private final double threshold;
    private final double[] below;
    private final double[] above;

    public PriorModel(FeatureSchema schema, List<String> labels, int feature, double threshold, double[] below, double[] above) {
        super(schema, labels);
        if (below.length != labels.size() || above.length != labels.size()) {
            throw new IllegalArgumentException("one probability per label");
        }
        this.feature = feature;
        this.threshold = threshold;
        this.below = below.clone();
        this.above = above.clone();
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public void predictProba(double[] x, double[] out) {
        double[] p = x[feature] <= threshold ? below : above;
        System.arraycopy(p, 0, out, 0, p.length);
    }

    @Override
    protected void writeBody(DataOutputStream out) throws IOException {
        out.writeInt(feature);
        out.writeDouble(threshold);
        for (int i = 0; i < labels.size(); i++) {
            out.writeDouble(below[i]);
            out.writeDouble(above[i]);
        }
    }

    public static PriorModel decode(byte[] payload) throws IOException {
        Header h = readHeader(payload);
        DataInputStream in = h.in();
        FeatureSchema schema = h.schema();
        List<String> labels = h.labels();
        int n = labels.size();
        int feature = in.readInt();
        if (feature < 0 || feature >= schema.size()) {
            throw new IOException("feature index out of range");
        }
        double threshold = in.readDouble();
        double[] below = new double[n];
        double[] above = new double[n];
        for (int i = 0; i < n; i++) {
            below[i] = in.readDouble();
            above[i] = in.readDouble();
        }
        if (in.available() > 0) {
            throw new IOException("trailing bytes");
        }
        return new PriorModel(schema, labels, feature, threshold, below, above);
    }
}
