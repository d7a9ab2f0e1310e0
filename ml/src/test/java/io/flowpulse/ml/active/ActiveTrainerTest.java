package io.flowpulse.ml.active;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Champion/challenger retraining of the active-learning trainer, on a synthetic two-feature problem. */
class ActiveTrainerTest {
    static final byte[] KEY = "active-trainer-test-key".getBytes(StandardCharsets.UTF_8);
    static final List<String> NAMES = List.of("x", "y");

    /** Class "hi" when x > 0.5; {@code flip} of the labels inverted. */
    static LabelledTable table(int n, long seed, double flip) {
        SplittableRandom r = new SplittableRandom(seed);
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            rows.add(new double[] {x, r.nextDouble()});
            boolean hi = x > 0.5;
            labels.add(hi ^ (r.nextDouble() < flip) ? "hi" : "lo");
        }
        return new LabelledTable(NAMES, rows, labels);
    }

    static Annotation label(String id, double x, double y, String label) {
        return Annotation.newBuilder().setRequestId(id)
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[4])).setDstIp(ByteBuffer.wrap(new byte[4]))
                        .setSrcPort(1).setDstPort(2).setProtocol(6).build())
                .setFeatures(Map.of("x", x, "y", y)).setLabel(label).setAnnotator("oracle").setAnnotatedMillis(0).build();
    }

    @Test
    void publishesASignedNewVersionOnlyWhenTheChallengerBeatsTheChampionOnTheSameHeldOutSet() {
        LabelledTable heldOut = table(400, 1, 0.0);
        LabelledDatasetStore store = new LabelledDatasetStore(10_000, 7);
        store.seed(table(30, 2, 0.45), "d0");   // a small, noisy initial set
        ActiveTrainer t = new ActiveTrainer(store, heldOut, new ModelTraining.Params("rf", 10, 6, 3), "al", KEY, 50, Duration.ZERO);

        ActiveTrainer.Outcome first = t.retrain(1_000);
        assertNotNull(first.published, "no champion yet: the first model is published");
        assertEquals(1, first.published.getVersion());
        assertEquals(Double.NEGATIVE_INFINITY, first.championF1);

        assertFalse(t.due(2_000));
        LabelledTable clean = table(300, 4, 0.0);
        for (int i = 0; i < clean.size(); i++) {
            t.offer(label("f" + i, clean.rows.get(i)[0], clean.rows.get(i)[1], clean.labels.get(i)));
        }
        assertTrue(t.due(2_000), "300 new labels >= 50");
        ActiveTrainer.Outcome better = t.retrain(3_000);
        assertNotNull(better.published, better.toString());
        assertEquals(2, better.published.getVersion());
        assertTrue(better.challengerF1 > better.championF1, better.toString());
        ModelUpdate u = better.published;
        byte[] payload = new byte[u.getPayload().remaining()];
        u.getPayload().duplicate().get(payload);
        assertTrue(new ModelSigner(KEY).verify(u.getModelId(), u.getKind().name(), u.getVersion(), u.getFormat(), payload,
                toBytes(u.getSignature())), "signed");
        assertEquals(0, t.pending());

        // relabel every flow with noise: the challenger is worse, the champion stays and we are told why
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < clean.size(); i++) {
            t.offer(label("f" + i, clean.rows.get(i)[0], clean.rows.get(i)[1], r.nextBoolean() ? "hi" : "lo"));
        }
        assertEquals(330, store.size(), "a relabel replaces the flow's label (dedup by flow id)");
        ActiveTrainer.Outcome worse = t.retrain(4_000);
        assertNull(worse.published, worse.toString());
        assertTrue(worse.reason.startsWith("not better than the champion v2"), worse.reason);
        assertEquals(2, t.champion().getVersion());
    }

    @Test
    void aScheduleRetrainsWhenDueAndSomethingIsNew() {
        ActiveTrainer t = new ActiveTrainer(new LabelledDatasetStore(100, 1), table(50, 1, 0), new ModelTraining.Params("lr", 1, 1, 1),
                "al", KEY, 1_000, Duration.ofMinutes(10));
        t.store().seed(table(40, 2, 0), "d0");
        t.retrain(0);
        assertFalse(t.due(Duration.ofMinutes(11).toMillis()), "nothing new");
        t.offer(label("a", 0.9, 0.1, "hi"));
        assertFalse(t.due(Duration.ofMinutes(5).toMillis()), "one label, schedule not yet due");
        assertTrue(t.due(Duration.ofMinutes(10).toMillis()));
    }

    @Test
    void withTheGateOnAOneClassStoreIsRefusedAndACleanChallengerIsPublishedWithItsExplanation() {
        LabelledTable heldOut = table(300, 1, 0.0);
        LabelledDatasetStore oneClass = new LabelledDatasetStore(1_000, 7);
        LabelledTable all = table(200, 2, 0.0);
        List<String> hi = new ArrayList<>();
        all.labels.forEach(l -> hi.add("hi"));
        oneClass.seed(new LabelledTable(NAMES, all.rows, hi), "d0");
        ActiveTrainer refused = new ActiveTrainer(oneClass, heldOut, new ModelTraining.Params("rf", 10, 6, 3), "al", KEY, 50,
                Duration.ZERO).gate(io.flowpulse.ml.explain.RolloutGate.Params.forService());
        ActiveTrainer.Outcome o = refused.retrain(1_000);
        assertNull(o.published, o.toString());
        assertTrue(o.reason.contains("refused by the rollout gate") && o.reason.contains("one class (hi)"), o.reason);
        assertNull(refused.champion());

        LabelledDatasetStore store = new LabelledDatasetStore(1_000, 7);
        store.seed(table(400, 3, 0.0), "d0");
        ActiveTrainer t = new ActiveTrainer(store, heldOut, new ModelTraining.Params("rf", 10, 6, 3), "al", KEY, 50,
                Duration.ZERO).gate(io.flowpulse.ml.explain.RolloutGate.Params.forService());
        ActiveTrainer.Outcome ok = t.retrain(1_000);
        assertNotNull(ok.published, ok.toString());
        Map<String, Double> metrics = ok.published.getMetrics();
        assertTrue(metrics.get("explain_fidelity") >= 0.8, metrics.toString());
        assertEquals(0.0, metrics.get("explain_flags"), metrics.toString());
        assertNotNull(ok.published.getExplanation(), "the surrogate tree travels for per-flow reasons");
    }

    static byte[] toBytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
