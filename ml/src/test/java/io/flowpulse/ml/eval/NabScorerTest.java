package io.flowpulse.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.eval.NabScorer.Profile;
import io.flowpulse.ml.eval.NabScorer.Score;
import io.flowpulse.ml.eval.NabScorer.Window;
import java.util.List;
import org.junit.jupiter.api.Test;

class NabScorerTest {
    private static final double EPS = 1e-9;

    /** 100 points, one labelled point at 50: window [45, 55] (width 10% of 100), probation 15. */
    private static int[] oneLabel() {
        int[] labels = new int[100];
        labels[50] = 1;
        return labels;
    }

    private static boolean[] flagsAt(int n, int... at) {
        boolean[] f = new boolean[n];
        for (int i : at) {
            f[i] = true;
        }
        return f;
    }

    @Test
    void windowsAreCentredAndSizedAsNab() {
        assertEquals(List.of(new Window(45, 55)), NabScorer.windows(oneLabel()));
        int[] two = new int[200];
        two[40] = 1;
        two[150] = 1;
        // 10% of 200 over 2 anomalies = 10 points each
        assertEquals(List.of(new Window(35, 45), new Window(145, 155)), NabScorer.windows(two));
        int[] run = new int[100];
        run[30] = run[31] = run[32] = 1;
        assertEquals(List.of(new Window(25, 37)), NabScorer.windows(run), "a run is widened by half a window");
        int[] close = new int[100];
        close[50] = 1;
        close[53] = 1;
        // width 10/2 = 5 -> [48, 52] and [51, 55] overlap and merge
        assertEquals(List.of(new Window(48, 55)), NabScorer.windows(close));
        int[] edge = new int[100];
        edge[98] = 1;
        assertEquals(List.of(new Window(93, 99)), NabScorer.windows(edge), "clipped at the end");
    }

    @Test
    void probationIsFifteenPercentCappedAt750() {
        assertEquals(15, NabScorer.probationLength(100));
        assertEquals(750, NabScorer.probationLength(20_000));
    }

    @Test
    void scaledSigmoidMatchesNabsDocumentedValues() {
        assertEquals(0.98661, NabScorer.scaledSigmoid(-1.0), 1e-5);
        assertEquals(0.84828, NabScorer.scaledSigmoid(-0.5), 1e-5);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), EPS);
        assertEquals(-0.98661, NabScorer.scaledSigmoid(1.0), 1e-5);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.0), EPS);
    }

    @Test
    void nullAndPerfectDetectorsScoreZeroAndHundred() {
        Score none = NabScorer.score(new boolean[100], oneLabel(), Profile.STANDARD);
        assertEquals(-1.0, none.raw(), EPS);
        assertEquals(0.0, none.normalized(), EPS);
        Score perfect = NabScorer.score(flagsAt(100, 45), oneLabel(), Profile.STANDARD);
        assertEquals(1.0, perfect.raw(), EPS);
        assertEquals(100.0, perfect.normalized(), EPS);
        assertEquals(1, perfect.windowsDetected());
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCountsAndLateOnesEarnLess() {
        // at the right edge: position -(55 - 55 + 1) / 11
        double edge = NabScorer.scaledSigmoid(-1.0 / 11) / NabScorer.scaledSigmoid(-1.0);
        assertEquals(edge, NabScorer.score(flagsAt(100, 55), oneLabel(), Profile.STANDARD).raw(), EPS);
        double mid = NabScorer.scaledSigmoid(-6.0 / 11) / NabScorer.scaledSigmoid(-1.0);
        assertEquals(mid, NabScorer.score(flagsAt(100, 50, 51, 52, 55), oneLabel(), Profile.STANDARD).raw(), EPS);
        assertTrue(mid > edge);
    }

    @Test
    void falsePositivesCostFpWeightFarFromWindowsAndLessJustAfterOne() {
        // before any window: -fpWeight (probation points cost nothing)
        Score before = NabScorer.score(flagsAt(100, 10, 20, 45), oneLabel(), Profile.STANDARD);
        assertEquals(1.0 - 0.11, before.raw(), EPS);
        assertEquals(1, before.falsePositives());
        // 5 points after the right edge of a window of width 11: position 5 / 10
        Score after = NabScorer.score(flagsAt(100, 45, 60), oneLabel(), Profile.STANDARD);
        assertEquals(1.0 + 0.11 * NabScorer.scaledSigmoid(0.5), after.raw(), EPS);
        // far after (position >= 3): full weight
        Score far = NabScorer.score(flagsAt(100, 45, 90), oneLabel(), Profile.STANDARD);
        assertEquals(1.0 - 0.11, far.raw(), EPS);
    }

    @Test
    void profilesWeighMissesAndFalseAlarmsDifferently() {
        boolean[] fpOnly = flagsAt(100, 20);
        assertEquals(-1.0 - 0.11, NabScorer.score(fpOnly, oneLabel(), Profile.STANDARD).raw(), EPS);
        assertEquals(-1.0 - 0.22, NabScorer.score(fpOnly, oneLabel(), Profile.REWARD_LOW_FP).raw(), EPS);
        Score lowFn = NabScorer.score(fpOnly, oneLabel(), Profile.REWARD_LOW_FN);
        assertEquals(-2.0 - 0.11, lowFn.raw(), EPS);
        assertEquals(-2.0, lowFn.nullScore(), EPS);
        // normalised: (raw - null) / (perfect - null) = -0.11 / 3
        assertEquals(-100 * 0.11 / 3, lowFn.normalized(), EPS);
    }

    @Test
    void aWindowInsideProbationIsNotScored() {
        int[] labels = new int[100];
        labels[5] = 1; // window [0, 10], probation 15
        Score s = NabScorer.score(flagsAt(100, 5), labels, Profile.STANDARD);
        assertEquals(0, s.windows());
        assertEquals(0.0, s.raw(), EPS);
        assertTrue(Double.isNaN(s.normalized()));
    }

    @Test
    void corpusTotalsNormaliseTheSums() {
        Score a = NabScorer.score(flagsAt(100, 45), oneLabel(), Profile.STANDARD); // 1 of 1
        Score b = NabScorer.score(new boolean[100], oneLabel(), Profile.STANDARD); // 0 of 1
        Score total = a.plus(b);
        assertEquals(50.0, total.normalized(), EPS);
        assertEquals(2, total.windows());
    }
}
