package io.flowpulse.ml.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;

class GbtTrainerTest {
    @Test
    void boostedTreesGiveXgboostsProbabilitiesWithoutTheNativeLibrary() throws Exception {
        assumeTrue(Files.exists(ForestTrainerTest.D0), "shared data not present");
        LabelledTable[] split = LabelledTable.fromCsv(ForestTrainerTest.D0, "class", null).stratifiedSplit(0.3, 7);
        GbtTrainer.Trained t = GbtTrainer.train(split[0], 30, 4, 11);
        BoostedTrees decoded = (BoostedTrees) ClassifierModels.decode(BoostedTrees.FORMAT, t.model.encode());
        String[] names = split[1].names.toArray(new String[0]);
        double[] p = new double[2];
        double[] q = new double[2];
        for (double[] row : split[1].rows) {
            Map<String, Label> scores = t.tribuoModel.predict(ForestTrainer.example(names, row, LabelFactory.UNKNOWN_LABEL))
                    .getOutputScores();
            t.model.predictProba(row, p);
            decoded.predictProba(row, q);
            for (int c = 0; c < 2; c++) {
                assertEquals(scores.get(t.model.labels().get(c)).getScore(), p[c], 1e-5);
                assertEquals(p[c], q[c], 0.0);
            }
        }
        ClassificationMetrics m = ClassificationMetrics.evaluate(t.model, split[1]);
        assertTrue(m.macroF1() > 0.85, m.report());
    }
}
