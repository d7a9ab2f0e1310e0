package io.flowpulse.ml.classify;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ordered feature names a model was trained on, with a version. Travels inside every model
 * payload; the predicting operator maps a flow's named features to the vector by name, so a
 * model never silently reads the wrong column.
 */
public final class FeatureSchema {
    private final List<String> names;
    private final int version;

    public FeatureSchema(List<String> names, int version) {
        this.names = List.copyOf(names);
        this.version = version;
    }

    public List<String> names() {
        return names;
    }

    public int version() {
        return version;
    }

    public int size() {
        return names.size();
    }

    /**
     * Fills {@code out} (length {@link #size()}) from named features; a missing feature is NaN.
     * Returns the number of missing features. Allocates nothing.
     */
    public int fill(Map<String, Double> features, double[] out) {
        int missing = 0;
        for (int i = 0; i < out.length; i++) {
            Double v = features.get(names.get(i));
            if (v == null) {
                out[i] = Double.NaN;
                missing++;
            } else {
                out[i] = v;
            }
        }
        return missing;
    }

    public void write(DataOutputStream out) throws IOException {
        out.writeInt(version);
        out.writeInt(names.size());
        for (String n : names) {
            out.writeUTF(n);
        }
    }

    public static FeatureSchema read(DataInputStream in) throws IOException {
        int version = in.readInt();
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("bad feature count " + n);
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(in.readUTF());
        }
        return new FeatureSchema(names, version);
    }

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            write(new DataOutputStream(bytes));
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSchema && ((FeatureSchema) o).version == version && ((FeatureSchema) o).names.equals(names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names, version);
    }

    @Override
    public String toString() {
        return "FeatureSchema v" + version + " " + names;
    }
}
