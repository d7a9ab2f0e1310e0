package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.records.AnnotationRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.streaming.runtime.operators.windowing.WindowOperatorBuilder;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The labelling budget in its event-time window operator (as {@code windowAll} runs it: one
 * constant key): per window at most the budget, highest score first, per-class cap, and nothing
 * before the watermark closes the window.
 */
class AnnotationBudgetFunctionTest {
    /** windowAll's single key, with the budget function inside. */
    static final class AllWindows extends ProcessWindowFunction<AnnotationRequest, AnnotationRequest, Byte, TimeWindow> {
        private static final long serialVersionUID = 1L;
        private final AnnotationBudgetFunction budget;

        AllWindows(AnnotationBudgetFunction budget) {
            this.budget = budget;
        }

        @Override
        public void process(Byte key, Context ctx, Iterable<AnnotationRequest> in, Collector<AnnotationRequest> out) {
            budget.process(null, in, out);
        }
    }

    static AnnotationRequest request(String id, String predicted, double score, long flowEndMillis) {
        AnnotationRequest r = AnnotationDedupFunctionTest.request(id, score);
        r.setPredictedLabel(predicted);
        r.setRequestedMillis(flowEndMillis);
        return r;
    }

    @Test
    void eachWindowSpendsAtMostTheBudgetHighestScoreFirstWithAPerClassCap() throws Exception {
        WindowOperatorBuilder<AnnotationRequest, Byte, TimeWindow> b = new WindowOperatorBuilder<>(
                new FlowEventTimeWindows(Duration.ofMinutes(10)), EventTimeTrigger.create(), new ExecutionConfig(),
                TypeInformation.of(AnnotationRequest.class), r -> (byte) 0, Types.BYTE);
        OneInputStreamOperator<AnnotationRequest, AnnotationRequest> op = b.process(new AllWindows(new AnnotationBudgetFunction(3, 2)));
        try (KeyedOneInputStreamOperatorTestHarness<Byte, AnnotationRequest, AnnotationRequest> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, r -> (byte) 0, Types.BYTE)) {
            h.open();
            long w1 = 0;
            long w2 = Duration.ofMinutes(10).toMillis();
            h.processElement(request("a", "doh", 0.9, w1 + 1), w1 + 1);
            h.processElement(request("b", "doh", 0.8, w1 + 2), w1 + 2);
            // a flow that waited for the first model carries the model record's timestamp: its window is its own time's
            h.processElement(request("c", "doh", 0.7, w1 + 3), w2 + 5);
            h.processElement(request("d", "other", 0.2, w1 + 4), w1 + 4);
            h.processElement(request("e", "other", 0.1, w1 + 5), w1 + 5);
            h.processElement(request("f", "other", 0.95, w2 + 1), w2 + 1);
            assertEquals(0, h.extractOutputValues().size(), "nothing before the watermark closes a window");
            h.processWatermark(new Watermark(w2 - 1));
            assertEquals(List.of("a", "b", "d"), ids(h.extractOutputValues()),
                    "budget 3: highest first, doh capped at 2 (c is in this window by its flow time), so the best 'other' takes the third place");
            h.processWatermark(new Watermark(2 * w2));
            assertEquals(List.of("a", "b", "d", "f"), ids(h.extractOutputValues()), "the next window has its own budget");
            assertEquals(0, h.numKeyedStateEntries(), "window contents cleared after firing");
        }
    }

    static List<String> ids(List<AnnotationRequest> l) {
        return new ArrayList<>(l.stream().map(AnnotationRequest::getRequestId).collect(Collectors.toList()));
    }
}
