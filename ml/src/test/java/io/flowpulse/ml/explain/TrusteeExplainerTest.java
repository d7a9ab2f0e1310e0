package io.flowpulse.ml.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Trustee's loop on a teacher whose decision is a known rule; fidelity and macro F1. */
class TrusteeExplainerTest {
    @Test
    void aStudentOfAnAxisAlignedTeacherIsFaithfulAndSplitsOnTheTeachersFeature() {
        double[][] x = SurrogateTreeTest.rows(3_000, 11);
        int[] teacher = new int[x.length];
        int[] truth = new int[x.length];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            teacher[i] = SurrogateTreeTest.rule(x[i]);
            truth[i] = r.nextDouble() < 0.2 ? (teacher[i] + 1) % 3 : teacher[i];   // the teacher is 80 % accurate
        }
        TrusteeExplainer.Result res = TrusteeExplainer.explain(x, teacher, truth, SurrogateTreeTest.NAMES,
                SurrogateTreeTest.CLASSES, ExplainParams.defaults());
        assertTrue(res.fidelity > 0.97, "fidelity " + res.fidelity);
        assertTrue(res.prunedFidelity > 0.97, "pruned fidelity " + res.prunedFidelity);
        assertEquals(0.8, res.modelAccuracy, 0.05);
        assertEquals(res.modelAccuracy, res.accuracy, 0.05, "a faithful student is as accurate as its teacher");
        assertEquals(0, res.pruned.root().feature);
        assertEquals(30, res.studentsTrained);
        assertEquals(900, res.heldOut.length);
        assertTrue(res.stability > 0.9, "stability " + res.stability);
    }

    @Test
    void macroF1CountsOnlyClassesThatOccurAsScikitLearnDoes() {
        assertEquals(1.0, TrusteeExplainer.macroF1(new int[] {0, 1, 1}, new int[] {0, 1, 1}, 5), 1e-12);
        // class 0: tp 1, ref 1, pred 2 -> 2/3; class 1: tp 1, ref 2, pred 1 -> 2/3
        assertEquals(2.0 / 3, TrusteeExplainer.macroF1(new int[] {0, 1, 1}, new int[] {0, 0, 1}, 3), 1e-12);
    }
}
