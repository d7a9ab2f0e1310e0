package io.flowpulse.ml.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupedSplitTest {
    @Test
    void numberedFlowFilesFormBlocksOfConsecutiveNumbers() {
        assertEquals("GoogleDoc#20", LabelledTable.groupKey("GoogleDoc-1017", 50));
        assertEquals("GoogleDoc#20", LabelledTable.groupKey("GoogleDoc-1000", 50));
        assertEquals("GoogleDoc#19", LabelledTable.groupKey("GoogleDoc-999", 50));
        assertEquals("GoogleDoc-1017", LabelledTable.groupKey("GoogleDoc-1017", 0));
        assertEquals("capture-a", LabelledTable.groupKey("capture-a", 50));
    }

    @Test
    void noGroupOnBothSidesAndEveryClassOnBoth() {
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String cls = "c" + (i % 3);
            rows.add(new double[] {i});
            labels.add(cls);
            groups.add(cls + "#" + (i / 30));
        }
        LabelledTable t = new LabelledTable(List.of("x"), rows, labels, groups);
        LabelledTable[] split = t.groupedSplit(0.3, 7);
        Set<String> train = new HashSet<>(split[0].groups);
        Set<String> test = new HashSet<>(split[1].groups);
        train.retainAll(test);
        assertTrue(train.isEmpty(), "groups on both sides: " + train);
        assertEquals(600, split[0].size() + split[1].size());
        double share = split[1].size() / 600.0;
        assertTrue(share > 0.2 && share < 0.4, "test share " + share);
        assertEquals(Set.of("c0", "c1", "c2"), new HashSet<>(split[1].labels));
        assertEquals(Set.of("c0", "c1", "c2"), new HashSet<>(split[0].labels));
        // seeded: the same split again, another with another seed
        assertEquals(split[1].groups, t.groupedSplit(0.3, 7)[1].groups);
        assertFalse(split[1].groups.equals(t.groupedSplit(0.3, 8)[1].groups));
    }

    @Test
    void reportNamesPerClassRecallAndConfusionRows() {
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "a", "b", "b"), List.of("a", "b", "b", "b"));
        assertEquals(0.5, m.recall(0), 1e-12);
        assertEquals(1.0, m.recall(1), 1e-12);
        assertEquals(1, m.confusion[0][1]);
        assertTrue(m.report().contains("recall"));
        assertTrue(m.report().lines().anyMatch(l -> l.startsWith("a ") && l.trim().endsWith("1      1")), m.report());
    }
}
