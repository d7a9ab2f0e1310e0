package io.flowpulse.functions;

import io.flowpulse.records.AnnotationRequest;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * Tumbling event-time windows of annotation requests by the flow's own event time
 * ({@code requestedMillis}, the flow end), not the record timestamp: flows that waited in the
 * classifier's buffer for the first model leave it with the model record's timestamp, which would
 * put them into another window with a budget of its own. Fired by the watermark, as usual.
 */
public class FlowEventTimeWindows extends WindowAssigner<Object, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final long size;

    public FlowEventTimeWindows(Duration size) {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("window size > 0");
        }
        this.size = size.toMillis();
    }

    @Override
    public Collection<TimeWindow> assignWindows(Object element, long timestamp, WindowAssignerContext context) {
        long t = element instanceof AnnotationRequest ? ((AnnotationRequest) element).getRequestedMillis() : timestamp;
        long start = TimeWindow.getWindowStartWithOffset(t, 0, size);
        return List.of(new TimeWindow(start, start + size));
    }

    @Override
    public Trigger<Object, TimeWindow> getDefaultTrigger() {
        return EventTimeTrigger.create();
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
        return new TimeWindow.Serializer();
    }

    @Override
    public boolean isEventTime() {
        return true;
    }

    @Override
    public String toString() {
        return "FlowEventTimeWindows(" + size + " ms)";
    }
}
