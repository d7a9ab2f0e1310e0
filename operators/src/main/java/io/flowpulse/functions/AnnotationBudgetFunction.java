package io.flowpulse.functions;

import io.flowpulse.ml.active.BudgetedSelection;
import io.flowpulse.records.AnnotationRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.functions.windowing.ProcessAllWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Per event-time window: at most {@code budget} annotation requests, highest score first, at most
 * {@code perClassCap} per predicted class ({@link BudgetedSelection}).
 */
public class AnnotationBudgetFunction extends ProcessAllWindowFunction<AnnotationRequest, AnnotationRequest, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final int budget;
    private final int perClassCap;

    public AnnotationBudgetFunction(int budget, int perClassCap) {
        this.budget = budget;
        this.perClassCap = perClassCap;
    }

    @Override
    public void process(Context ctx, Iterable<AnnotationRequest> requests, Collector<AnnotationRequest> out) {
        Map<String, AnnotationRequest> byId = new HashMap<>();
        List<BudgetedSelection.Candidate> candidates = new ArrayList<>();
        for (AnnotationRequest r : requests) {
            byId.put(r.getRequestId(), r);
            candidates.add(new BudgetedSelection.Candidate(r.getRequestId(),
                    r.getPredictedLabel() == null ? "" : r.getPredictedLabel(), r.getScore()));
        }
        for (BudgetedSelection.Candidate c : new BudgetedSelection(Double.NEGATIVE_INFINITY, budget, perClassCap).select(candidates)) {
            out.collect(byId.get(c.id));
        }
    }
}
