package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.FlowKey;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AnnotationDedupFunctionTest {
    static AnnotationRequest request(String id, double score) {
        return AnnotationRequest.newBuilder().setRequestId(id)
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[4])).setDstIp(ByteBuffer.wrap(new byte[4]))
                        .setSrcPort(1).setDstPort(2).setProtocol(6).build())
                .setFlowStartMicros(1).setFeatures(Map.of("x", 1.0)).setPredictedLabel("doh").setScore(score)
                .setStrategy("margin").setRequestedMillis(1).build();
    }

    @Test
    void aFlowIsOfferedForLabellingOnce() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, AnnotationRequest, AnnotationRequest> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(new AnnotationDedupFunction(Duration.ofHours(2)),
                        AnnotationRequest::getRequestId, Types.STRING)) {
            h.processElement(request("a", 0.9), 1);
            h.processElement(request("b", 0.8), 2);
            h.processElement(request("a", 0.95), 3);
            assertEquals(List.of("a", "b"), h.extractOutputValues().stream().map(AnnotationRequest::getRequestId)
                    .collect(Collectors.toList()));
            assertEquals(2, h.numKeyedStateEntries());
        }
    }
}
