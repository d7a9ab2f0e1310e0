package io.flowpulse.ml.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written CART learner, its paths and Trustee's top-k pruning. */
class SurrogateTreeTest {
    static final List<String> NAMES = List.of("a", "b", "noise");
    static final List<String> CLASSES = List.of("x", "y", "z");

    /** Class x when a <= 0.3, y when a > 0.3 and b <= 0.5, z otherwise. */
    static int rule(double[] r) {
        return r[0] <= 0.3 ? 0 : r[1] <= 0.5 ? 1 : 2;
    }

    static double[][] rows(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
        }
        return x;
    }

    static int[] all(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }

    @Test
    void learnsAnAxisAlignedRuleExactlyWithTwoSplits() {
        double[][] x = rows(2_000, 1);
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = rule(x[i]);
        }
        SurrogateTree t = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        assertEquals(3, t.leaves(), t.toText());
        assertEquals(0, t.root().feature, "the root splits on a");
        assertEquals(0.3, t.root().threshold, 0.01);
        assertEquals(2_000, t.root().samples(), 1e-9);
        double[][] fresh = rows(500, 2);
        for (double[] r : fresh) {
            if (Math.abs(r[0] - 0.3) > 0.01 && Math.abs(r[1] - 0.5) > 0.01) {
                assertEquals(rule(r), t.predict(r));
            }
        }
        // the path names the conditions met on the way to the leaf
        List<SurrogateTree.Step> path = t.path(new double[] {0.9, 0.9, 0});
        assertEquals(2, path.size());
        assertTrue(path.get(0).describe(NAMES).startsWith("a > 0.") && !path.get(0).lessOrEqual, path.get(0).describe(NAMES));
        assertTrue(t.toText().startsWith("if a <= 0.") && t.toText().contains("if b <= 0."), t.toText());
    }

    @Test
    void aMissingValueCountsAsZeroAndASingleClassIsOneLeaf() {
        double[][] x = rows(100, 3);
        int[] y = new int[x.length];
        SurrogateTree one = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        assertEquals(1, one.size());
        assertEquals(0, one.predict(new double[] {Double.NaN, 1, 1}));
        for (int i = 0; i < x.length; i++) {
            y[i] = rule(x[i]);
        }
        SurrogateTree t = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        assertEquals(t.predict(new double[] {0, 0.9, 0}), t.predict(new double[] {Double.NaN, 0.9, 0}));
    }

    @Test
    void depthLimitAndMinimumLeafSizeHold() {
        double[][] x = rows(1_000, 4);
        int[] y = new int[x.length];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(3);   // pure noise: an unlimited tree memorises it
        }
        SurrogateTree deep = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        SurrogateTree capped = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, new SurrogateTree.Params(3, 20));
        assertTrue(deep.leaves() > 200, "memorised: " + deep.leaves());
        assertTrue(capped.depth() <= 3);
        for (SurrogateTree.Node n : capped.nodes()) {
            assertTrue(n.samples() >= 20);
        }
    }

    @Test
    void topKPruningKeepsTheBranchesThatCoverTheMostRows() {
        double[][] x = rows(3_000, 6);
        int[] y = new int[x.length];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < x.length; i++) {
            y[i] = r.nextDouble() < 0.1 ? r.nextInt(3) : rule(x[i]);   // 10 % label noise: a bushy tree
        }
        SurrogateTree t = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        assertTrue(t.leaves() > 50, "bushy: " + t.leaves());
        SurrogateTree p = t.pruneTopK(3, 0.1);
        assertTrue(p.leaves() < t.leaves() && p.leaves() <= 2 * 3 * Math.max(1, p.depth()), p.toText());
        // every top-3 branch of the original is still reachable: its pure-enough prefix is a path of the pruned tree
        assertEquals(0, p.root().feature);
        assertEquals(t.root().samples(), p.root().samples(), 1e-9);
        // the pruned tree still predicts the rule on most rows (its leaves take the majority of their rows)
        int agree = 0;
        for (int i = 0; i < x.length; i++) {
            if (p.predict(x[i]) == rule(x[i])) {
                agree++;
            }
        }
        assertTrue(agree > 0.85 * x.length, agree + " of " + x.length + "\n" + p.toText());
        List<SurrogateTree.Branch> top = t.topBranches(3);
        assertTrue(top.get(0).samples >= top.get(1).samples && top.get(1).samples >= top.get(2).samples);
        // pruning to one branch with impurity 1.0 keeps nothing: a single leaf
        assertEquals(1, t.pruneTopK(1, 1.0).size());
    }

    @Test
    void encodesAndDecodesAndRejectsDamagedBytes() throws Exception {
        double[][] x = rows(500, 8);
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = rule(x[i]);
        }
        SurrogateTree t = SurrogateTree.fit(x, y, all(x.length), NAMES, CLASSES, SurrogateTree.Params.defaults());
        SurrogateTree back = SurrogateTree.decode(t.encode());
        assertEquals(t.toText(), back.toText());
        assertEquals(List.of("a > " + SurrogateTree.number(t.root().threshold), back.reasons(new double[] {0.9, 0.9, 0}).get(1),
                "-> z"), back.reasons(new double[] {0.9, 0.9, 0}));
        byte[] bad = t.encode();
        bad[bad.length - 9] ^= 0x7F;   // inside the last node's counts: still decodes
        SurrogateTree.decode(bad);
        byte[] truncated = java.util.Arrays.copyOf(t.encode(), t.encode().length - 3);
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SurrogateTree.decode(truncated));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> SurrogateTree.decode(new byte[] {0, 1, 65}));
    }
}
