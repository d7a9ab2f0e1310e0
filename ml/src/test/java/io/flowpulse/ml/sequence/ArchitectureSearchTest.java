package io.flowpulse.ml.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.classify.LabelledTable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ArchitectureSearchTest {
    static final int[] LENGTHS = {8, 16};

    static List<String> run(String strategy, LabelledTable[] split, long seed) {
        ArchitectureSearch.Params p = new ArchitectureSearch.Params(strategy, 60_000_000_000L, 3, seed, 1, LENGTHS, 2, 2);
        List<ArchitectureSearch.Candidate> seen = new ArrayList<>();
        List<ArchitectureSearch.Candidate> all = ArchitectureSearch.run(split[0], split[1], p,
                new SequenceCnnTrainer.Params(1, 32, 0.01f, seed), seen::add);
        assertEquals(all.size(), seen.size(), "progress sees every candidate");
        assertTrue(all.stream().allMatch(c -> c.parameters > 0 && c.microsPerFlow > 0 && c.accuracy >= 0));
        assertTrue(all.contains(ArchitectureSearch.choose(all, Long.MAX_VALUE)));
        return all.stream().map(c -> c.origin + " " + c.architecture + String.format(" %.4f", c.accuracy)).collect(Collectors.toList());
    }

    @Test
    void bothStrategiesAreReproducibleForASeed() {
        LabelledTable[] split = SequenceCnnTest.synthetic(90, 4).groupedSplit(0.3, 1);
        List<String> random = run("random", split, 7);
        assertEquals(3, random.size());
        assertEquals(random, run("random", split, 7));
        List<String> evolution = run("evolution", split, 7);
        assertEquals(evolution, run("evolution", split, 7));
        assertTrue(evolution.get(2).startsWith("evolution-child-of-"), evolution.toString());
    }

    @Test
    void mutationsStayInTheSpace() {
        SplittableRandom r = new SplittableRandom(3);
        CnnArchitecture a = ArchitectureSearch.sample(r, LENGTHS);
        for (int i = 0; i < 500; i++) {
            a = ArchitectureSearch.mutate(a, r, LENGTHS);
            assertTrue(a.blocks() >= 1 && a.blocks() <= 3, a.toString());
            assertEquals(a, CnnArchitecture.parse(a.toString()));
        }
    }
}
