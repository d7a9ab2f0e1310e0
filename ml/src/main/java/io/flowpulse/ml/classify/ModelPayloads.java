package io.flowpulse.ml.classify;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What every classifier payload shares: the feature schema and the class labels up front, and softmax. */
public final class ModelPayloads {
    static final int MAX_CLASSES = 10_000;

    private ModelPayloads() {}

    public static void writeHeader(DataOutputStream out, FeatureSchema schema, List<String> labels) throws IOException {
        schema.write(out);
        out.writeInt(labels.size());
        for (String l : labels) {
            out.writeUTF(l);
        }
    }

    /** Reads the labels written by {@link #writeHeader} after the schema; validates their count. */
    public static List<String> readLabels(DataInputStream in) throws IOException {
        int k = in.readInt();
        if (k < 1 || k > MAX_CLASSES) {
            throw new IOException("bad class count " + k);
        }
        List<String> labels = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            labels.add(in.readUTF());
        }
        return labels;
    }

    /** Turns margins out[0..k) into probabilities, in place. */
    static void softmax(double[] out, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, out[c]);
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < k; c++) {
            out[c] /= sum;
        }
    }
}
