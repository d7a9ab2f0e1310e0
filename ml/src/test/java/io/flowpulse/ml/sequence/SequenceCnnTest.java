package io.flowpulse.ml.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.classify.ClassificationMetrics;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelDecodeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequenceCnnTest {
    static final int N = 16;

    /**
     * Three made-up "services": bulk download (large packets back), chatty (small both ways, short
     * gaps), upload (large packets out); sizes jittered, some flows shorter than N.
     */
    static LabelledTable synthetic(int flows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int f = 0; f < flows; f++) {
            int c = f % 3;
            double[] x = new double[2 * N];
            int len = 6 + r.nextInt(N - 5);
            for (int i = 0; i < len; i++) {
                double size;
                double iat;
                if (c == 0) {
                    size = i < 2 ? 300 + r.nextInt(100) : -(1200 + r.nextInt(250));
                    iat = r.nextDouble() * 2;
                } else if (c == 1) {
                    size = (i % 2 == 0 ? 1 : -1) * (80 + r.nextInt(120));
                    iat = 20 + r.nextDouble() * 80;
                } else {
                    size = i % 3 == 2 ? -(60 + r.nextInt(30)) : 1100 + r.nextInt(300);
                    iat = r.nextDouble() * 5;
                }
                x[i] = size;
                x[N + i] = i == 0 ? 0 : iat;
            }
            rows.add(x);
            labels.add(new String[] {"bulk", "chatty", "upload"}[c]);
            groups.add("s" + (f / 10));
        }
        return new LabelledTable(PacketSequence.featureNames(N), rows, labels, groups);
    }

    @Test
    void learnsSeparableSequencesAndRoundTripsThroughItsPayload() throws Exception {
        LabelledTable[] split = synthetic(600, 1).groupedSplit(0.3, 3);
        CnnArchitecture a = CnnArchitecture.parse("n=16 blocks=8k3max,16k3none convs=1 global=max dense=0");
        try (SequenceCnnModel m = SequenceCnnTrainer.train(split[0], a, new SequenceCnnTrainer.Params(6, 32, 0.01f, 5))) {
            ClassificationMetrics metrics = ClassificationMetrics.evaluate(m, split[1]);
            assertTrue(metrics.accuracy() > 0.9, metrics.report());
            assertEquals(a.parameterCount(3), m.parameterCount());

            ClassifierModel decoded = ClassifierModels.decode(SequenceCnnModel.FORMAT, m.encode());
            assertEquals(m.labels(), decoded.labels());
            assertEquals(PacketSequence.featureNames(16), decoded.featureSchema().names());
            // one by one == batched == decoded
            int k = split[1].size();
            double[][] xs = split[1].rows.toArray(new double[0][]);
            double[][] batched = new double[k][3];
            decoded.predictProbaBatch(xs, k, batched);
            double[] p = new double[3];
            for (int i = 0; i < k; i++) {
                m.predictProba(xs[i], p);
                assertArrayEquals(p, batched[i], 1e-5);
                assertEquals(1.0, Arrays.stream(p).sum(), 1e-5);
            }
            ((SequenceCnnModel) decoded).close();
        }
    }

    @Test
    void sameSeedSameModel() {
        LabelledTable t = synthetic(120, 2);
        CnnArchitecture a = CnnArchitecture.parse("n=16 blocks=4k3avg convs=1 global=avg dense=8");
        SequenceCnnTrainer.Params p = new SequenceCnnTrainer.Params(2, 16, 0.01f, 9);
        try (SequenceCnnModel m1 = SequenceCnnTrainer.train(t, a, p); SequenceCnnModel m2 = SequenceCnnTrainer.train(t, a, p)) {
            assertArrayEquals(m1.encode(), m2.encode());
        }
    }

    @Test
    void architectureLinesRoundTripAndBadOnesAreRejected() {
        CnnArchitecture a = CnnArchitecture.parse("n=32 blocks=16k5max,32k3none,64k2avg convs=2 global=avg dense=32");
        assertEquals(a, CnnArchitecture.parse(a.toString()));
        assertEquals(3, a.blocks());
        assertThrows(IllegalArgumentException.class, () -> CnnArchitecture.parse("n=1 blocks=8k3max"));
        assertThrows(IllegalArgumentException.class, () -> CnnArchitecture.parse("n=16 blocks=8x3"));
        assertThrows(ModelDecodeException.class, () -> ClassifierModels.decode(SequenceCnnModel.FORMAT, new byte[] {1, 2, 3}));
    }

    @Test
    void flowArraysFillTheNamedSequence() {
        List<String> names = List.of("size_0", "size_1", "size_2", "iat_ms_1", "iat_ms_2", "duration");
        int[] slots = names.stream().mapToInt(PacketSequence::slot).toArray();
        double[] out = new double[names.size()];
        PacketSequence.fill(names, slots, Map.of("duration", 3.0), List.of(100, 1400), List.of(1, -1), List.of(0L, 2500L), out);
        assertArrayEquals(new double[] {100, -1400, 0, 2.5, 0, 3.0}, out, 1e-12);
    }

    @Test
    void firstBytesAreNamedFilledAndBecomeChannels() {
        CnnArchitecture a = CnnArchitecture.parse("n=4 blocks=8k3max convs=1 global=max dense=0 bytes=2x3");
        assertEquals("n=4 blocks=8k3max convs=1 global=max dense=0 bytes=2x3", a.toString());
        assertEquals(CnnArchitecture.parse(a.toString()), a);
        assertEquals(6, a.channels());
        assertEquals(List.of("size_0", "size_1", "size_2", "size_3", "iat_ms_0", "iat_ms_1", "iat_ms_2", "iat_ms_3",
                "byte_0_0", "byte_0_1", "byte_0_2", "byte_1_0", "byte_1_1", "byte_1_2"), a.featureNames());
        assertEquals("n=4 blocks=8k3max convs=1 global=max dense=0", a.withBytes(0, 64).toString(), "old specs unchanged");
        assertThrows(IllegalArgumentException.class, () -> CnnArchitecture.parse("n=4 blocks=8k3max bytes=5x64"), "P <= n");
        List<String> names = a.featureNames();
        int[] slots = names.stream().mapToInt(PacketSequence::slot).toArray();
        double[] x = new double[names.size()];
        // packet 0: 3 bytes (0x01, 0xff, 0x00), packet 1: one byte only
        PacketSequence.fill(names, slots, Map.of(), List.of(60, 1400), List.of(1, -1), List.of(0L, 1000L),
                List.of(java.nio.ByteBuffer.wrap(new byte[] {1, (byte) 0xff, 0}), java.nio.ByteBuffer.wrap(new byte[] {7})), x);
        assertArrayEquals(new double[] {60, -1400, 0, 0, 0, 1, 0, 0, 1, 255, 0, 7, -1, -1}, x, 1e-12);
        float[] c = new float[a.channels() * 4];
        PacketSequence.toChannels(x, 4, 2, 3, c, 0);
        assertEquals(2f / 256, c[3 * 4], 1e-6);      // byte channel 0, packet 0
        assertEquals(8f / 256, c[3 * 4 + 1], 1e-6);  // byte channel 0, packet 1
        assertEquals(1f, c[4 * 4], 1e-6);             // byte channel 1, packet 0: 255
        assertEquals(0f, c[4 * 4 + 1], 1e-6);         // absent
        assertEquals(0f, c[3 * 4 + 2], 1e-6);         // positions past the byte packets
        assertEquals(a.parameterCount(2), 6 * 8 * 3 + 8 + 8 * 2 + 2);
    }

    @Test
    void aCnnWithBytesLearnsFromTheBytesAlone() throws Exception {
        // same sizes for both classes: only byte 1 of packet 0 tells them apart
        CnnArchitecture a = CnnArchitecture.parse("n=4 blocks=8k3max convs=1 global=max dense=0 bytes=2x4");
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            double[] x = new double[a.featureNames().size()];
            for (int t = 0; t < 4; t++) {
                x[t] = (t % 2 == 0 ? 1 : -1) * (100 + r.nextInt(50));
                x[4 + t] = t == 0 ? 0 : r.nextDouble();
            }
            for (int j = 0; j < 8; j++) {
                x[8 + j] = r.nextInt(256);
            }
            x[8 + 1] = i % 2 == 0 ? 0x16 : 0xc0; // TLS record vs QUIC long header, say
            rows.add(x);
            labels.add(i % 2 == 0 ? "tls" : "quic");
        }
        LabelledTable t = new LabelledTable(a.featureNames(), rows, labels);
        try (SequenceCnnModel m = SequenceCnnTrainer.train(t, a, new SequenceCnnTrainer.Params(30, 16, 0.02f, 5));
                SequenceCnnModel back = SequenceCnnModel.decode(m.encode())) {
            assertTrue(ClassificationMetrics.evaluate(m, t).accuracy() > 0.95, "learns the byte");
            assertEquals(a, back.architecture());
            double[] p1 = new double[2];
            double[] p2 = new double[2];
            m.predictProba(rows.get(0), p1);
            back.predictProba(rows.get(0), p2);
            assertArrayEquals(p1, p2, 1e-6);
        }
    }
}
