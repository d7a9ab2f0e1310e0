package io.flowpulse.ml.sequence;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.flowpulse.ml.classify.LabelledTable;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Trains a {@link SequenceCnnModel} with DJL (PyTorch engine, CPU, offline): Adam on softmax cross
 * entropy, seeded mini-batches, a fixed number of epochs or until a deadline. The table must have
 * the packet-sequence columns (size_i, iat_ms_i for i &lt; N), as {@code sequence-features} writes.
 * Plain Java, no Flink.
 */
public final class SequenceCnnTrainer {
    /** Training parameters. */
    public static final class Params {
        public final int epochs;
        public final int batchSize;
        public final float learningRate;
        public final long seed;

        public Params(int epochs, int batchSize, float learningRate, long seed) {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("epochs >= 1, batch >= 1, learning rate > 0");
            }
            this.epochs = epochs;
            this.batchSize = batchSize;
            this.learningRate = learningRate;
            this.seed = seed;
        }

        public static Params defaults(long seed) {
            return new Params(8, 64, 0.003f, seed);
        }
    }

    private SequenceCnnTrainer() {}

    public static SequenceCnnModel train(LabelledTable data, CnnArchitecture a, Params p) {
        return train(data, a, p, Long.MAX_VALUE);
    }

    /**
     * Trains; stops early (after the current batch) when {@code System.nanoTime()} passes
     * {@code deadlineNanos}, returning the model as it is then.
     */
    public static SequenceCnnModel train(LabelledTable data, CnnArchitecture a, Params p, long deadlineNanos) {
        List<String> labels = new ArrayList<>(new TreeSet<>(data.labels));
        int n = a.inputLength;
        int per = a.channels() * n;
        float[] x = inputs(data, a);
        float[] y = new float[data.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.indexOf(data.labels.get(i));
        }
        DjlRuntime.engine().setRandomSeed((int) p.seed);
        Block block = SequenceCnnModel.network(a, labels.size());
        try (Model model = Model.newInstance("flowpulse-seqcnn", Device.cpu(), DjlRuntime.ENGINE)) {
            model.setBlock(block);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(p.learningRate)).build())
                    .optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(SequenceCnnModel.inputShape(1, a));
                SplittableRandom rnd = new SplittableRandom(p.seed);
                int[] order = new int[data.size()];
                for (int i = 0; i < order.length; i++) {
                    order[i] = i;
                }
                float[] bx = new float[p.batchSize * per];
                float[] by = new float[p.batchSize];
                boolean stop = false;
                for (int epoch = 0; epoch < p.epochs && !stop; epoch++) {
                    for (int i = order.length - 1; i > 0; i--) {
                        int j = rnd.nextInt(i + 1);
                        int t = order[i];
                        order[i] = order[j];
                        order[j] = t;
                    }
                    for (int start = 0; start < order.length && !stop; start += p.batchSize) {
                        int m = Math.min(p.batchSize, order.length - start);
                        for (int k = 0; k < m; k++) {
                            System.arraycopy(x, order[start + k] * per, bx, k * per, per);
                            by[k] = y[order[start + k]];
                        }
                        try (NDManager batch = trainer.getManager().newSubManager()) {
                            NDArray bxa = batch.create(FloatBuffer.wrap(bx, 0, m * per), SequenceCnnModel.inputShape(m, a));
                            NDArray bya = batch.create(FloatBuffer.wrap(by, 0, m), new ai.djl.ndarray.types.Shape(m));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDArray logits = trainer.forward(new NDList(bxa)).singletonOrThrow();
                                NDArray loss = trainer.getLoss().evaluate(new NDList(bya), new NDList(logits));
                                gc.backward(loss);
                            }
                            trainer.step();
                        }
                        stop = System.nanoTime() - deadlineNanos > 0;
                    }
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                block.saveParameters(out);
            }
            return SequenceCnnModel.of(a, labels, bytes.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("could not save the CNN's parameters: " + e.getMessage(), e);
        }
    }

    /** The channels of every row, rows one after the other ({@code channels x n} floats each). */
    static float[] inputs(LabelledTable data, CnnArchitecture a) {
        int n = a.inputLength;
        List<String> names = a.featureNames();
        int[] col = new int[names.size()];
        for (int i = 0; i < col.length; i++) {
            col[i] = data.names.indexOf(names.get(i));
            if (col[i] < 0) {
                throw new IllegalArgumentException("the table has no column " + names.get(i)
                        + " (packet sequences of length " + n + (a.bytePackets > 0 ? " with first bytes " + a.bytePackets + "x"
                        + a.byteLength + ": see ./flowpulse flows --first-bytes-packets" : ": see ./flowpulse sequence-features --packets") + ")");
            }
        }
        int per = a.channels() * n;
        float[] out = new float[data.size() * per];
        double[] v = new double[names.size()];
        for (int r = 0; r < data.size(); r++) {
            double[] row = data.rows.get(r);
            for (int i = 0; i < col.length; i++) {
                v[i] = row[col[i]];
            }
            PacketSequence.toChannels(v, n, a.bytePackets, a.byteLength, out, r * per);
        }
        return out;
    }
}
