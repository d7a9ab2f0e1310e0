package io.flowpulse.ml.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Planted shortcuts on synthetic flows: a port that separates the classes and a column equal to the
 * label are flagged and stop the gate; the same model without them passes; each gate rule refuses.
 */
class ShortcutGateTest {
    static final ModelTraining.Params RF = new ModelTraining.Params("rf", 20, 10, 1);

    /**
     * Flows of two classes: "video" when bytes > 5,000 and packets > 20 (5 % label noise). With
     * {@code port} a Dst Port column (443 for video, 80 for web), with {@code code} a column equal to the label.
     */
    static LabelledTable flows(int n, long seed, boolean port, boolean code) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> names = new ArrayList<>(List.of("bytes", "packets", "duration"));
        if (port) {
            names.add("Dst Port");
        }
        if (code) {
            names.add("label_code");
        }
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double bytes = Math.exp(4 + 6 * r.nextDouble());
            double packets = 1 + r.nextInt(60);
            boolean video = bytes > 5_000 && packets > 20;
            if (r.nextDouble() < 0.05) {
                video = !video;
            }
            double[] x = new double[names.size()];
            x[0] = bytes;
            x[1] = packets;
            x[2] = r.nextDouble() * 30;
            int j = 3;
            if (port) {
                x[j++] = video ? 443 : 80;
            }
            if (code) {
                x[j] = video ? 1 : 0;
            }
            rows.add(x);
            labels.add(video ? "video" : "web");
        }
        return new LabelledTable(names, rows, labels);
    }

    static RolloutGate.Verdict gate(LabelledTable all) {
        LabelledTable[] split = all.stratifiedSplit(0.3, 1);
        ClassifierModel model = ModelTraining.train(split[0], RF);
        return RolloutGate.check(model, split[0], split[1], RolloutGate.Params.defaults());
    }

    @Test
    void aPortThatSeparatesTheClassesIsFlaggedAndTheGateRefuses() {
        RolloutGate.Verdict v = gate(flows(1_500, 1, true, false));
        assertFalse(v.passed(), v.summary());
        ShortcutDetector.Flag flag = v.explanation.flags.stream().filter(f -> f.feature.equals("Dst Port")).findFirst().orElseThrow();
        assertEquals("port", flag.kind);
        String why = String.join("; ", flag.reasons);
        assertTrue(why.contains("does not generalise (port)"), why);
        assertTrue(why.contains("the value 443 alone picks out class video") || why.contains("the value 80 alone picks out class web"), why);
        assertTrue(v.summary().contains("rest on flagged features: Dst Port"), v.summary());
        assertTrue(v.explanation.report().contains("FLAG Dst Port"), v.explanation.report());
        assertEquals(2.0, v.explanation.metrics().get("explain_flag:Dst Port"));
    }

    @Test
    void aColumnEqualToTheLabelIsFlaggedWhateverItsName() {
        RolloutGate.Verdict v = gate(flows(1_500, 2, false, true));
        assertFalse(v.passed(), v.summary());
        ShortcutDetector.Flag flag = v.explanation.flags.stream().filter(f -> f.feature.equals("label_code")).findFirst().orElseThrow();
        assertNull(flag.kind, "not a shortcut-prone name: flagged for the separation alone");
        assertTrue(String.join("; ", flag.reasons).contains("alone picks out class"), flag.toString());
    }

    @Test
    void theSameModelWithoutTheShortcutPasses() {
        RolloutGate.Verdict v = gate(flows(1_500, 3, false, false));
        assertTrue(v.passed(), v.summary() + "\n" + v.explanation.report());
        assertTrue(v.explanation.flags.isEmpty(), v.explanation.flags.toString());
        assertTrue(v.explanation.trustee.supportedFidelity >= 0.8, "fidelity " + v.explanation.trustee.supportedFidelity);
        assertTrue(v.explanation.decisiveFeatures().containsAll(List.of("bytes", "packets")), v.explanation.decisiveFeatures().toString());
        assertEquals(v.explanation.trustee.fidelity, v.explanation.metrics().get("explain_fidelity"));
        assertTrue(v.explanation.json().contains("\"decisiveFeatures\""));
        assertTrue(v.explanation.svg("t").startsWith("<svg"));
    }

    @Test
    void aSingleClassTrainingSetIsRefused() {
        LabelledTable all = flows(300, 4, false, false);
        List<String> one = new ArrayList<>();
        all.labels.forEach(l -> one.add("web"));
        LabelledTable single = new LabelledTable(all.names, all.rows, one);
        LabelledTable[] split = single.stratifiedSplit(0.3, 1);
        ClassifierModel model = ModelTraining.train(split[0], RF);
        RolloutGate.Verdict v = RolloutGate.check(model, split[0], split[1], RolloutGate.Params.defaults());
        assertFalse(v.passed());
        assertTrue(v.summary().contains("one class (web)"), v.summary());
    }

    @Test
    void aValidationThatSharesRowsWithTheTrainingSetIsRefused() {
        LabelledTable all = flows(1_000, 5, false, false);
        // duplicated rows before a random split: the same flows land on both sides
        List<double[]> rows = new ArrayList<>(all.rows);
        List<String> labels = new ArrayList<>(all.labels);
        rows.addAll(all.rows.subList(0, 500));
        labels.addAll(all.labels.subList(0, 500));
        LabelledTable doubled = new LabelledTable(all.names, rows, labels);
        LabelledTable[] split = doubled.stratifiedSplit(0.3, 1);
        assertTrue(RolloutGate.leakedRows(split[0], split[1]) > 50);
        ClassifierModel model = ModelTraining.train(split[0], RF);
        RolloutGate.Verdict v = RolloutGate.check(model, split[0], split[1], RolloutGate.Params.defaults());
        assertFalse(v.passed());
        assertTrue(v.summary().contains("the validation leaks"), v.summary());
        // removing duplicates before the split removes the leak
        LabelledTable[] clean = RolloutGate.withoutDuplicates(doubled).stratifiedSplit(0.3, 1);
        assertEquals(0, RolloutGate.leakedRows(clean[0], clean[1]));
        assertEquals(1_000, RolloutGate.withoutDuplicates(doubled).size());

        // the same flows with a unique row id: still a leak (ids are left out of the comparison)
        List<double[]> withId = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            double[] r = java.util.Arrays.copyOf(rows.get(i), rows.get(i).length + 1);
            r[r.length - 1] = i;
            withId.add(r);
        }
        List<String> names = new ArrayList<>(all.names);
        names.add("id");
        LabelledTable[] idSplit = new LabelledTable(names, withId, labels).stratifiedSplit(0.3, 1);
        assertEquals(0, RolloutGate.leakedRows(idSplit[0], idSplit[1]), "every row differs in its id");
        RolloutGate.Verdict vid = RolloutGate.check(ModelTraining.train(idSplit[0], RF), idSplit[0], idSplit[1],
                RolloutGate.Params.defaults());
        assertTrue(vid.summary().contains("the validation leaks") && vid.summary().contains("but identifiers [id]"), vid.summary());
    }

    @Test
    void aModelNoTreeCanImitateIsRefusedForLowFidelity() {
        LabelledTable all = flows(1_500, 6, false, false);
        LabelledTable[] split = all.stratifiedSplit(0.3, 1);
        // predictions from a hash of the row: no axis-aligned tree learns them from a 30 % sample
        ClassifierModel hash = new ClassifierModel() {
            @Override
            public String format() {
                return "test-hash";
            }

            @Override
            public FeatureSchema featureSchema() {
                return new FeatureSchema(all.names, 1);
            }

            @Override
            public List<String> labels() {
                return List.of("video", "web");
            }

            @Override
            public void predictProba(double[] x, double[] out) {
                int h = java.util.Arrays.hashCode(x) * 0x9E3779B9;
                out[0] = (h >>> 31) == 0 ? 1 : 0;
                out[1] = 1 - out[0];
            }

            @Override
            public byte[] encode() {
                return new byte[0];
            }
        };
        RolloutGate.Verdict v = RolloutGate.check(hash, split[0], split[1], RolloutGate.Params.defaults());
        assertFalse(v.passed());
        assertTrue(v.summary().contains("fidelity") && v.summary().contains("below 0.800"), v.summary());
    }

    @Test
    void aValueThatPicksOutOneClassAmongManyIsNotAFlagButALabelCopyIs() {
        SplittableRandom r = new SplittableRandom(8);
        int n = 3_000;
        double[][] x = new double[n][];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % 3;
            // column 0: a scripted attack (class 0) always sends 17 packets; column 1: the label itself
            x[i] = new double[] {truth[i] == 0 ? 17 : 1 + r.nextInt(500) + r.nextDouble(), truth[i] * 10};
        }
        assertEquals(1.0, ShortcutDetector.bestSeparation(x, truth, 0, 3).f1, 1e-9);
        assertTrue(ShortcutDetector.lookupF1(x, truth, 0, 3) < 0.6, "one class of three: " + ShortcutDetector.lookupF1(x, truth, 0, 3));
        assertEquals(1.0, ShortcutDetector.lookupF1(x, truth, 1, 3), 1e-9);
    }

    @Test
    void shortcutKindsOfCommonColumnNames() {
        ShortcutRules r = ShortcutRules.defaults();
        assertEquals("id", r.kindOf("id"));
        assertEquals("id", r.kindOf("Flow ID"));
        assertEquals("address", r.kindOf("Src IP"));
        assertEquals("address", r.kindOf("dst_ip"));
        assertEquals("port", r.kindOf("Src Port"));
        assertEquals("port", r.kindOf("dport"));
        assertEquals("ttl", r.kindOf("ip_ttl"));
        assertEquals("ttl", r.kindOf("Hop Limit"));
        assertEquals("timestamp", r.kindOf("Timestamp"));
        assertEquals("flow-key", r.kindOf("Protocol"));
        assertEquals("annotation", r.kindOf("Attempted Category"));
        for (String legit : List.of("Flow IAT Mean", "Fwd Packet Length Max", "Total TCP Flow Time", "bytes_rev", "time",
                "FWD Init Win Bytes", "Down/Up Ratio", "transport_bytes", "Packet Length Variance")) {
            assertNull(r.kindOf(legit), legit);
        }
        ShortcutRules custom = ShortcutRules.parse("vlan=vlan.*;ttl=.*ttl.*");
        assertEquals("vlan", custom.kindOf("vlan_id"));
        assertNull(custom.kindOf("Src Port"));
        assertEquals("app", r.with("app", "sni|ja3").kindOf("SNI"));
    }
}
