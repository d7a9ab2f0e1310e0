package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelOutcome;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class FlowClassifierFunctionTest {

    static FlowClassifierFunction function(int buffer) {
        return new FlowClassifierFunction(new ModelUpdateValidator(TestModels.KEY,
                Set.of("bidirectional_packets", "bidirectional_bytes", "src2dst_packets")), buffer);
    }

    static List<String> events(BroadcastOperatorTestHarness<?, ?, ?> h) {
        return h.getSideOutput(SideOutputs.MODEL_EVENTS) == null ? List.of()
                : h.getSideOutput(SideOutputs.MODEL_EVENTS).stream().map(StreamRecord::getValue)
                        .map(e -> e.getOutcome() + " v" + e.getVersion() + " serving v" + e.getServingVersion())
                        .collect(Collectors.toList());
    }

    @Test
    void flowsBeforeTheFirstModelAreBufferedThenScoredAndOverflowIsRoutedNotDropped() throws Exception {
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(function(2), BroadcastStates.MODELS)) {
            h.processElement(TestModels.flow(1, 5), 1);
            h.processElement(TestModels.flow(2, 50), 2);
            h.processElement(TestModels.flow(3, 7), 3); // buffer full
            assertEquals(0, h.extractOutputValues().size());
            assertEquals(1, h.getSideOutput(SideOutputs.UNSCORED_FLOWS).size());

            h.processBroadcastElement(TestModels.stump("doh", 1, 0.9), 4);
            List<Classification> out = h.extractOutputValues();
            assertEquals(List.of("small", "large"), out.stream().map(Classification::getLabel).collect(Collectors.toList()));
            assertEquals(0.1, out.get(0).getUncertainty(), 1e-12);
            assertTrue(out.stream().allMatch(c -> c.getModelId().equals("doh") && c.getModelVersion() == 1));
            assertEquals(List.of("ACCEPTED v1 serving v1"), events(h));
        }
    }

    @Test
    void aNewerVersionReplacesTheModelAndBadUpdatesAreRejectedWhileTheOldOneKeepsServing() throws Exception {
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(function(10), BroadcastStates.MODELS)) {
            h.processBroadcastElement(TestModels.stump("doh", 1, 0.9), 1);
            h.processElement(TestModels.flow(1, 5), 2);
            h.processBroadcastElement(TestModels.stump("doh", 2, 0.8), 3);
            h.processElement(TestModels.flow(2, 5), 4);

            ModelUpdate older = TestModels.stump("doh", 1, 0.5);
            ModelUpdate unsigned = ModelUpdate.newBuilder(TestModels.stump("doh", 3, 0.5)).setSignature(null).build();
            ModelUpdate forged = TestModels.signed("doh", 4, "flowpulse-stump-v1",
                    io.flowpulse.ml.classify.ModelSigner.class.getName().getBytes(), "another-key-of-sufficient-length".getBytes());
            ModelUpdate tampered = ModelUpdate.newBuilder(TestModels.stump("doh", 5, 0.5))
                    .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
            ModelUpdate corrupted = TestModels.signed("doh", 6, "flowpulse-stump-v1", new byte[] {0, 0, 0, 1, 0, 0, 0, 9}, TestModels.KEY);
            io.flowpulse.ml.classify.PriorModel wrongSchema = new io.flowpulse.ml.classify.PriorModel(
                    new io.flowpulse.ml.classify.FeatureSchema(List.of("not_a_flow_feature"), 1), List.of("a", "b"), 0, 1,
                    new double[] {1, 0}, new double[] {0, 1});
            ModelUpdate schema = TestModels.signed("doh", 7, wrongSchema.format(), wrongSchema.encode(), TestModels.KEY);
            ModelUpdate unknownFormat = TestModels.signed("doh", 8, "pickle", new byte[] {1}, TestModels.KEY);
            for (ModelUpdate bad : List.of(older, unsigned, forged, tampered, corrupted, schema, unknownFormat)) {
                h.processBroadcastElement(bad, 5);
            }
            h.processElement(TestModels.flow(3, 5), 6);

            assertEquals(List.of(1L, 2L, 2L), h.extractOutputValues().stream().map(Classification::getModelVersion).collect(Collectors.toList()));
            List<ModelEvent> ev = h.getSideOutput(SideOutputs.MODEL_EVENTS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(9, ev.size());
            assertTrue(ev.subList(2, 9).stream().allMatch(e -> e.getOutcome() == ModelOutcome.REJECTED && e.getServingVersion() == 2));
            List<String> reasons = ev.subList(2, 9).stream().map(ModelEvent::getReason).collect(Collectors.toList());
            assertTrue(reasons.get(0).startsWith("version 1 is not newer"), reasons.get(0));
            assertEquals("unsigned update", reasons.get(1));
            assertEquals("bad signature", reasons.get(2));
            assertEquals("bad signature", reasons.get(3));
            assertTrue(reasons.get(4).startsWith("payload does not decode"), reasons.get(4));
            assertTrue(reasons.get(5).startsWith("wrong feature schema"), reasons.get(5));
            assertTrue(reasons.get(6).contains("unknown model format 'pickle'"), reasons.get(6));
        }
    }

    @Test
    void theServingModelAndTheBufferSurviveASnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(function(10), BroadcastStates.MODELS)) {
            h.processElement(TestModels.flow(1, 5), 1); // buffered, no model yet
            snapshot = h.snapshot(1, 1);
        }
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = restored(snapshot)) {
            h.processBroadcastElement(TestModels.stump("doh", 3, 0.9), 2);
            assertEquals(1, h.extractOutputValues().size(), "buffered flow scored after restore");
            snapshot = h.snapshot(2, 2);
        }
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = restored(snapshot)) {
            h.processElement(TestModels.flow(2, 50), 3);
            List<Classification> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(3, out.get(0).getModelVersion(), "model v3 serves from the first record after restore");
            h.processBroadcastElement(TestModels.stump("doh", 2, 0.9), 4);
            assertEquals(ModelOutcome.REJECTED, h.getSideOutput(SideOutputs.MODEL_EVENTS).poll().getValue().getOutcome());
        }
    }

    private static BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> restored(OperatorSubtaskState s) throws Exception {
        BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = new BroadcastOperatorTestHarness<>(
                new CoBroadcastWithNonKeyedOperator<>(function(10), List.of(BroadcastStates.MODELS)), 1, 1, 0);
        h.setup();
        h.initializeState(s);
        h.open();
        return h;
    }

    @Test
    void predictionsAboveTheQueryThresholdBecomeAnnotationCandidates() throws Exception {
        FlowClassifierFunction fn = new FlowClassifierFunction(new ModelUpdateValidator(TestModels.KEY,
                Set.of("bidirectional_packets", "bidirectional_bytes")), 10, io.flowpulse.ml.active.QueryStrategy.LEAST_CONFIDENT, 0.25);
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(fn, BroadcastStates.MODELS)) {
            h.processElement(TestModels.flow(1, 5), 1); // buffered: scored (and queried) when v1 arrives
            h.processBroadcastElement(TestModels.stump("doh", 1, 0.7), 2); // scores 0.3
            h.processElement(TestModels.flow(2, 50), 3);
            h.processBroadcastElement(TestModels.stump("doh", 2, 0.9), 4); // scores 0.1: below the threshold
            h.processElement(TestModels.flow(3, 50), 5);
            List<io.flowpulse.records.AnnotationRequest> q = h.getSideOutput(SideOutputs.QUERY_CANDIDATES).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(2, q.size());
            assertEquals(0.3, q.get(0).getScore(), 1e-12);
            assertEquals("least-confident", q.get(0).getStrategy());
            assertEquals(1L, q.get(1).getModelVersion());
            assertTrue(q.get(1).getFeatures().containsKey("bidirectional_packets"), "features travel with the request");
        }
    }

    /** The stump's surrogate: a tree fitted on packets 1..40 labelled as the stump decides. */
    static ModelUpdate withSurrogate(ModelUpdate u) {
        double[][] x = new double[40][];
        int[] y = new int[40];
        for (int i = 0; i < 40; i++) {
            x[i] = new double[] {i + 1, (i + 1) * 100};
            y[i] = i + 1 <= 10 ? 0 : 1;
        }
        io.flowpulse.ml.explain.SurrogateTree t = io.flowpulse.ml.explain.SurrogateTree.fit(x, y,
                java.util.stream.IntStream.range(0, 40).toArray(), TestModels.SCHEMA.names(), List.of("small", "large"),
                io.flowpulse.ml.explain.SurrogateTree.Params.defaults());
        return ModelUpdate.newBuilder(u).setExplanation(ByteBuffer.wrap(t.encode())).build();
    }

    @Test
    void withReasonsOnAClassificationCarriesTheSurrogatePathAndABrokenSurrogateOnlyLosesTheReasons() throws Exception {
        FlowClassifierFunction on = new FlowClassifierFunction(new ModelUpdateValidator(TestModels.KEY,
                Set.of("bidirectional_packets", "bidirectional_bytes")), 10, null, 0.0, true);
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(on, BroadcastStates.MODELS)) {
            h.processBroadcastElement(withSurrogate(TestModels.stump("doh", 1, 0.9)), 1);
            h.processElement(TestModels.flow(1, 5), 2);
            h.processElement(TestModels.flow(2, 50), 3);
            // a surrogate that does not decode: the model still serves, without reasons
            h.processBroadcastElement(ModelUpdate.newBuilder(TestModels.stump("doh", 2, 0.9))
                    .setExplanation(ByteBuffer.wrap(new byte[] {1, 2, 3})).build(), 4);
            h.processElement(TestModels.flow(3, 5), 5);
            List<Classification> out = h.extractOutputValues();
            assertEquals(3, out.size());
            assertEquals("small", out.get(0).getLabel());
            assertTrue(out.get(0).getReasons().get(0).startsWith("bidirectional_") && out.get(0).getReasons().get(0).contains(" <= "),
                    out.get(0).getReasons().toString());
            assertEquals("-> small", out.get(0).getReasons().get(out.get(0).getReasons().size() - 1));
            assertEquals("-> large", out.get(1).getReasons().get(out.get(1).getReasons().size() - 1));
            assertEquals(2L, out.get(2).getModelVersion());
            assertEquals(null, out.get(2).getReasons());
        }
        // off (the default): no reasons even when the model carries a surrogate
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(function(10), BroadcastStates.MODELS)) {
            h.processBroadcastElement(withSurrogate(TestModels.stump("doh", 1, 0.9)), 1);
            h.processElement(TestModels.flow(1, 5), 2);
            assertEquals(null, h.extractOutputValues().get(0).getReasons());
        }
    }
}
