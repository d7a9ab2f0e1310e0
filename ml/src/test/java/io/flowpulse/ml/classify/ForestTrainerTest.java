package io.flowpulse.ml.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

class ForestTrainerTest {
    static final Path D0 = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"),
            "flows/cesnet_alf_doh/conf/doh_D0.csv");

    @Test
    void compactForestGivesTribuosProbabilitiesAndSurvivesEncoding() throws Exception {
        assumeTrue(Files.exists(D0), "shared data not present");
        LabelledTable all = LabelledTable.fromCsv(D0, "class", null);
        assertEquals(24, all.names.size(), "the 24 DoH features");
        LabelledTable[] split = all.stratifiedSplit(0.3, 7);
        ForestTrainer.Trained t = ForestTrainer.train(split[0], new ForestTrainer.Params(30, 10, 0.5f, 3));
        CompactForest decoded = (CompactForest) ClassifierModels.decode(CompactForest.FORMAT, t.forest.encode());
        String[] names = split[1].names.toArray(new String[0]);
        double[] p = new double[2];
        double[] q = new double[2];
        for (double[] row : split[1].rows) {
            Prediction<Label> pred = t.tribuoModel.predict(ForestTrainer.example(names, row, LabelFactoryHolder.UNKNOWN));
            t.forest.predictProba(row, p);
            decoded.predictProba(row, q);
            Map<String, Label> scores = pred.getOutputScores();
            for (int c = 0; c < 2; c++) {
                String label = t.forest.labels().get(c);
                double expected = scores.containsKey(label) ? scores.get(label).getScore() : 0.0;
                assertEquals(expected, p[c], 1e-9, "class " + label);
                assertEquals(p[c], q[c], 0.0);
            }
        }
        ClassificationMetrics m = ClassificationMetrics.evaluate(t.forest, split[1]);
        assertTrue(m.macroF1() > 0.9, m.report());
    }

    @Test
    void aCorruptedPayloadIsRejectedWithoutAllocatingAbsurdArrays() {
        byte[] junk = new FeatureSchema(java.util.List.of("a"), 1).encode();
        byte[] payload = java.util.Arrays.copyOf(junk, junk.length + 12);
        payload[junk.length + 3] = 2; // 2 classes, then garbage
        assertThrows(ModelDecodeException.class, () -> ClassifierModels.decode(CompactForest.FORMAT, payload));
    }

    @Test
    void metricsOnAKnownConfusion() {
        ClassificationMetrics m = ClassificationMetrics.of(java.util.List.of("a", "a", "b", "b"), java.util.List.of("a", "b", "b", "b"));
        assertEquals(0.75, m.accuracy(), 1e-12);
        assertEquals((1.0 + 2.0 / 3) / 2, m.macroPrecision(), 1e-12);
        assertEquals(0.75, m.macroRecall(), 1e-12);
        assertEquals(1 / Math.sqrt(3), m.mcc(), 1e-12);
    }

    static final class LabelFactoryHolder {
        static final Label UNKNOWN = org.tribuo.classification.LabelFactory.UNKNOWN_LABEL;
    }
}
