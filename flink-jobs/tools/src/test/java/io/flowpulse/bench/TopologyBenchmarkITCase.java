package io.flowpulse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The logic of {@code ./flowpulse bench} on a tiny input: every scenario in both modes (embedded
 * broker in and out, and operator chain only) prints every figure, and every figure is finite.
 * No timing assertions: the figures are whatever this machine gives.
 */
class TopologyBenchmarkITCase {

    @Test
    void everyScenarioInBothModesPrintsEveryFigureFinite() throws Exception {
        Path shared = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"));
        // 16 port series x 2 days of 5-minute samples: past the detector's one-day warm-up; an input
        // rate that keeps each run a few seconds long, so that checkpoints (every 200 ms) complete
        TopologyBenchmark.Settings settings = new TopologyBenchmark.Settings(List.of(BenchScenario.values()),
                TopologyBenchmark.MODES, 9_600, "heap", 2, Duration.ofMillis(200), 4_000, shared);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<TopologyBenchmark.Result> results;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            results = TopologyBenchmark.run(settings, out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);

        assertEquals(BenchScenario.values().length * TopologyBenchmark.MODES.size(), results.size());
        for (TopologyBenchmark.Result r : results) {
            String what = r.scenario().label() + "/" + r.mode();
            assertEquals(TopologyBenchmark.FIGURES, List.copyOf(r.figures().keySet()), what);
            r.figures().forEach((name, v) -> assertTrue(Double.isFinite(v), what + " " + name + " = " + v));
            assertEquals(9_600, r.figures().get("records_in"), what);
            assertTrue(r.figures().get("records_out") > 0, what + ": no " + r.scenario().primaryOutput);
            assertTrue(r.figures().get("checkpoints") >= 1, what + ": no completed checkpoint");
            if (r.mode().equals("chain")) { // issue 13: the chain mode's steady state, from half of its input on
                assertTrue(r.steady() != null && r.steady().records() > 0 && r.steady().records() <= 9_600 / 2 + 512
                        && Double.isFinite(r.steady().perCpuSecond()), what + ": " + r.steady());
            }
        }
        for (BenchScenario s : BenchScenario.values()) {
            assertTrue(printed.contains("== " + s.label() + ":"), printed);
        }
        for (String mode : TopologyBenchmark.MODES) {
            assertEquals(BenchScenario.values().length, printed.lines().filter(l -> l.startsWith(mode + " ")).count(), printed);
        }
        assertFalse(printed.contains("NaN"), printed);
        // issue 18: the same input gives the same outputs in both modes, and the bench says so
        assertEquals(List.of(), TopologyBenchmark.disagreements(results), printed);
        assertEquals(BenchScenario.values().length, printed.lines().filter(l -> l.startsWith("same output in both modes: ")).count(),
                printed);
    }
}
