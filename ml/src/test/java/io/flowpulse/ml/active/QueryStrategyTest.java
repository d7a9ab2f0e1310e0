package io.flowpulse.ml.active;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QueryStrategyTest {
    static final SplittableRandom RND = new SplittableRandom(1);

    @Test
    void uncertaintyScoresRankTheUncertainPredictionFirst() {
        double[] sure = {0.95, 0.04, 0.01};
        double[] torn = {0.45, 0.44, 0.11};
        double[] flat = {0.34, 0.33, 0.33};
        for (QueryStrategy s : List.of(QueryStrategy.LEAST_CONFIDENT, QueryStrategy.MARGIN, QueryStrategy.ENTROPY)) {
            assertTrue(s.score(torn, RND) > s.score(sure, RND), s.id());
            assertTrue(s.score(flat, RND) > s.score(sure, RND), s.id());
        }
        assertEquals(0.05, QueryStrategy.LEAST_CONFIDENT.score(sure, RND), 1e-12);
        assertEquals(1 - 0.01, QueryStrategy.MARGIN.score(torn, RND), 1e-12, "a small margin is uncertain: high score");
        assertEquals(1.0, QueryStrategy.ENTROPY.score(new double[] {0.5, 0.5}, RND), 1e-12);
        assertEquals(0.0, QueryStrategy.ENTROPY.score(new double[] {1.0, 0.0}, RND), 1e-12);
        assertEquals(QueryStrategy.MARGIN, QueryStrategy.of("margin"));
    }

    @Test
    void budgetThresholdAndPerClassCapShapeTheBatch() {
        List<BudgetedSelection.Candidate> c = List.of(
                new BudgetedSelection.Candidate("a", "doh", 0.9),
                new BudgetedSelection.Candidate("b", "doh", 0.8),
                new BudgetedSelection.Candidate("c", "doh", 0.7),
                new BudgetedSelection.Candidate("d", "other", 0.6),
                new BudgetedSelection.Candidate("e", "other", 0.2),
                new BudgetedSelection.Candidate("f", "other", 0.6));
        List<String> chosen = new BudgetedSelection(0.5, 4, 2).select(c).stream().map(x -> x.id).collect(Collectors.toList());
        assertEquals(List.of("a", "b", "d", "f"), chosen, "highest first, doh capped at 2, e under the threshold, ties by id");
        assertEquals(List.of("a"), new BudgetedSelection(0.0, 1, 10).select(c).stream().map(x -> x.id).collect(Collectors.toList()));
    }
}
