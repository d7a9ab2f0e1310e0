package io.flowpulse.ml.sequence;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelPayloads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A 1-D CNN over the first N packets of a flow ({@link PacketSequence}: signed size, direction,
 * log IAT), served with DJL's PyTorch engine (offline, {@link DjlRuntime}). Payload format
 * {@value #FORMAT}: the feature schema (size_i, iat_ms_i) and labels as every classifier payload,
 * the {@link CnnArchitecture} line, and DJL's parameter bytes.
 *
 * <p>{@link #predictProbaBatch} scores many flows in one forward pass; that is how the operator
 * serves it (the per-call cost of the native engine is paid once per batch). Instances own native
 * memory: {@link #close} frees it (the operator closes a replaced model). Calls are serialized.
 */
public final class SequenceCnnModel implements ClassifierModel, AutoCloseable {
    public static final String FORMAT = "flowpulse-seqcnn-v1";
    private static final int MAX_PARAMETER_BYTES = 64 << 20;

    private final FeatureSchema schema;
    private final List<String> labels;
    private final CnnArchitecture architecture;
    private final byte[] parameters;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private float[] input = new float[0];
    private final double[][] one = new double[1][];
    private final double[][] oneOut = new double[1][];

    private SequenceCnnModel(FeatureSchema schema, List<String> labels, CnnArchitecture architecture, byte[] parameters) {
        this.schema = schema;
        this.labels = List.copyOf(labels);
        this.architecture = architecture;
        this.parameters = parameters;
        this.manager = DjlRuntime.engine().newBaseManager();
        try {
            this.block = network(architecture, labels.size());
            block.initialize(manager, DataType.FLOAT32, inputShape(1, architecture));
            block.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(parameters)));
        } catch (IOException | MalformedModelException | RuntimeException e) {
            manager.close();
            throw new IllegalArgumentException("CNN parameters do not fit " + architecture + ": " + e.getMessage(), e);
        }
        this.store = new ParameterStore(manager, false);
    }

    /** A model from trained parameter bytes ({@link Block#saveParameters}). */
    public static SequenceCnnModel of(CnnArchitecture architecture, List<String> labels, byte[] parameters) {
        return new SequenceCnnModel(new FeatureSchema(architecture.featureNames(),
                PacketSequence.SCHEMA_VERSION), labels, architecture, parameters);
    }

    /** The network of an architecture: conv blocks, global pooling, optional dense layer, logits. */
    public static Block network(CnnArchitecture a, int classes) {
        SequentialBlock net = new SequentialBlock();
        int length = a.inputLength;
        for (int b = 0; b < a.blocks(); b++) {
            for (int c = 0; c < a.convsPerBlock; c++) {
                net.add(Conv1d.builder().setKernelShape(new Shape(a.kernels[b])).setFilters(a.filters[b])
                        .optPadding(new Shape(a.kernels[b] / 2)).build());
                net.add(Activation.reluBlock());
                // an even kernel with padding k/2 makes the sequence one longer
                length = length + 2 * (a.kernels[b] / 2) - a.kernels[b] + 1;
            }
            if (a.pools[b] != CnnArchitecture.Pool.NONE && length >= 2) {
                net.add(a.pools[b] == CnnArchitecture.Pool.MAX ? Pool.maxPool1dBlock(new Shape(2), new Shape(2))
                        : Pool.avgPool1dBlock(new Shape(2), new Shape(2)));
                length /= 2;
            }
        }
        net.add(a.global == CnnArchitecture.Pool.MAX ? Pool.globalMaxPool1dBlock() : Pool.globalAvgPool1dBlock());
        if (a.dense > 0) {
            net.add(Linear.builder().setUnits(a.dense).build());
            net.add(Activation.reluBlock());
        }
        net.add(Linear.builder().setUnits(classes).build());
        return net;
    }

    static Shape inputShape(int batch, CnnArchitecture a) {
        return new Shape(batch, a.channels(), a.inputLength);
    }

    public CnnArchitecture architecture() {
        return architecture;
    }

    /** Trainable weights and biases. */
    public long parameterCount() {
        return architecture.parameterCount(labels.size());
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public FeatureSchema featureSchema() {
        return schema;
    }

    @Override
    public List<String> labels() {
        return labels;
    }

    @Override
    public synchronized void predictProba(double[] x, double[] out) {
        one[0] = x;
        oneOut[0] = out;
        predictProbaBatch(one, 1, oneOut);
    }

    @Override
    public synchronized void predictProbaBatch(double[][] xs, int count, double[][] out) {
        if (count == 0) {
            return;
        }
        int n = architecture.inputLength;
        int per = architecture.channels() * n;
        if (input.length < count * per) {
            input = new float[Math.max(count * per, input.length * 2)];
        }
        for (int i = 0; i < count; i++) {
            PacketSequence.toChannels(xs[i], n, architecture.bytePackets, architecture.byteLength, input, i * per);
        }
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(FloatBuffer.wrap(input, 0, count * per), inputShape(count, architecture));
            NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
            float[] p = logits.softmax(1).toFloatArray();
            int k = labels.size();
            for (int i = 0; i < count; i++) {
                for (int c = 0; c < k; c++) {
                    out[i][c] = p[i * k + c];
                }
            }
        }
    }

    @Override
    public boolean prefersBatches() {
        return true;
    }

    @Override
    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(parameters.length + 1024);
            DataOutputStream out = new DataOutputStream(bytes);
            ModelPayloads.writeHeader(out, schema, labels);
            out.writeUTF(architecture.toString());
            out.writeInt(parameters.length);
            out.write(parameters);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SequenceCnnModel decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        FeatureSchema schema = FeatureSchema.read(in);
        List<String> labels = ModelPayloads.readLabels(in);
        CnnArchitecture a = CnnArchitecture.parse(in.readUTF());
        if (!schema.names().equals(a.featureNames())) {
            throw new IOException("feature schema is not the packet sequence of " + a);
        }
        int len = in.readInt();
        if (len < 0 || len > MAX_PARAMETER_BYTES || len > in.available()) {
            throw new IOException("bad parameter length " + len);
        }
        byte[] params = new byte[len];
        in.readFully(params);
        return new SequenceCnnModel(schema, labels, a, params);
    }

    @Override
    public synchronized void close() {
        manager.close();
    }
}
