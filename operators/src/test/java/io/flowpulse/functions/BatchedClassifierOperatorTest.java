package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.sequence.PacketSequence;
import io.flowpulse.ml.sequence.SequenceCnnModel;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.ModelUpdate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class BatchedClassifierOperatorTest {
    static final ModelUpdate CNN = TestModels.sequenceCnn("seq", 1);

    static BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> harness(int batch) throws Exception {
        FlowClassifierFunction fn = new FlowClassifierFunction(new ModelUpdateValidator(TestModels.KEY, Set.of()), 10)
                .withBatchSize(batch);
        BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h =
                new BroadcastOperatorTestHarness<>(new BatchedClassifierOperator(fn, 100), 1, 1, 0);
        h.open();
        return h;
    }

    static List<String> labels(BroadcastOperatorTestHarness<?, ?, Classification> h) {
        return h.extractOutputValues().stream().map(Classification::getLabel).collect(Collectors.toList());
    }

    @Test
    void aSequenceCnnIsServedInBatchesFlushedWhenFullOnTimeAndBeforeABarrier() throws Exception {
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = harness(4)) {
            h.setProcessingTime(0);
            h.processBroadcastElement(CNN, 1);
            for (int i = 0; i < 3; i++) {
                h.processElement(TestModels.sequenceFlow(i, i % 2 == 0), 2);
            }
            assertEquals(List.of(), labels(h), "a partial batch waits");
            h.processElement(TestModels.sequenceFlow(3, false), 3);
            assertEquals(List.of("bulk", "chatty", "bulk", "chatty"), labels(h));

            h.processElement(TestModels.sequenceFlow(4, true), 4);
            assertEquals(4, labels(h).size());
            h.setProcessingTime(150); // the flush interval
            assertEquals(5, labels(h).size());
            assertEquals("bulk", labels(h).get(4));
            // flushed without an input element: the flow's own end time
            org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?> last =
                    (org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?>) h.getOutput().stream()
                            .filter(o -> o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord).reduce((x, y) -> y).get();
            assertEquals(TestModels.sequenceFlow(4, true).getEndMicros() / 1000, last.getTimestamp());

            h.processElement(TestModels.sequenceFlow(5, false), 5);
            h.prepareSnapshotPreBarrier(1);
            assertEquals(6, labels(h).size());
            assertTrue(h.extractOutputValues().stream().allMatch(c -> c.getModelId().equals("seq") && c.getModelVersion() == 1));

            // batched probabilities are the model's own
            SequenceCnnModel m = (SequenceCnnModel) ClassifierModels.decode(CNN.getFormat(),
                    io.flowpulse.records.codec.ByteBuffers.copy(CNN.getPayload()));
            FlowFeatures f = TestModels.sequenceFlow(5, false);
            List<String> names = m.featureSchema().names();
            double[] x = new double[names.size()];
            PacketSequence.fill(names, names.stream().mapToInt(PacketSequence::slot).toArray(), f.getFeatures(),
                    f.getFirstPacketSizes(), f.getFirstPacketDirections(), f.getFirstPacketIatMicros(), x);
            double[] p = new double[2];
            m.predictProba(x, p);
            assertEquals(p[m.labels().indexOf("chatty")], h.extractOutputValues().get(5).getProbabilities().get("chatty"), 1e-5);
            m.close();
        }
    }

    @Test
    void endOfInputFlushesThePartialBatch() throws Exception {
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = harness(64)) {
            h.processBroadcastElement(CNN, 1);
            h.processElement(TestModels.sequenceFlow(1, true), 2);
            h.processElement(TestModels.sequenceFlow(2, false), 2);
            h.getOperator().finish();
            assertEquals(List.of("bulk", "chatty"), labels(h));
        }
    }

    @Test
    void treeModelsAreNotBatched() throws Exception {
        try (BroadcastOperatorTestHarness<FlowFeatures, ModelUpdate, Classification> h = harness(64)) {
            h.processBroadcastElement(TestModels.stump("doh", 1, 0.9), 1);
            h.processElement(TestModels.flow(1, 5), 2);
            assertEquals(List.of("small"), labels(h));
        }
    }
}
