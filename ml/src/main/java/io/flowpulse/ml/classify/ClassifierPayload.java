package io.flowpulse.ml.classify;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * The base of every classifier's payload: the feature schema and the class labels come first
 * ({@link ModelPayloads#writeHeader}), then the model's own arrays ({@link #writeBody}). Decoders
 * start with {@link #readHeader} and read their body from its stream.
 */
public abstract class ClassifierPayload implements ClassifierModel {
    protected final FeatureSchema schema;
    protected final List<String> labels;

    protected ClassifierPayload(FeatureSchema schema, List<String> labels) {
        this.schema = schema;
        this.labels = List.copyOf(labels);
    }

    @Override
    public final FeatureSchema featureSchema() {
        return schema;
    }

    @Override
    public final List<String> labels() {
        return labels;
    }

    @Override
    public final byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint());
            DataOutputStream out = new DataOutputStream(bytes);
            ModelPayloads.writeHeader(out, schema, labels);
            writeBody(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Expected payload size, to size the buffer. */
    protected int sizeHint() {
        return 256;
    }

    /** The model's own part of the payload, after the header. */
    protected abstract void writeBody(DataOutputStream out) throws IOException;

    /** The header of a payload and the stream positioned at its body. */
    protected record Header(DataInputStream in, FeatureSchema schema, List<String> labels) {}

    protected static Header readHeader(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        FeatureSchema schema = FeatureSchema.read(in);
        List<String> labels = ModelPayloads.readLabels(in);
        return new Header(in, schema, labels);
    }
}
