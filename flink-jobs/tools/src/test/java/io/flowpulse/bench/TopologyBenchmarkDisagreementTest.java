package io.flowpulse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 18: the bench names every output whose count differs between the modes of a scenario. */
class TopologyBenchmarkDisagreementTest {

    private static TopologyBenchmark.Result result(BenchScenario s, String mode, Map<String, Long> outputs) {
        return new TopologyBenchmark.Result(s, mode, "heap", 2, Map.of(), outputs);
    }

    @Test
    void equalCountsAgree() {
        assertEquals(List.of(), TopologyBenchmark.disagreements(List.of(
                result(BenchScenario.PACKETS, "kafka", Map.of("flows", 12_957L, "dead-letters", 0L)),
                result(BenchScenario.PACKETS, "chain", Map.of("flows", 12_957L)))));
    }

    @Test
    void differingCountsAreNamedPerScenarioAndOutput() {
        assertEquals(List.of("packets: flows kafka 63,094 / chain 51,710",
                        "ports: alerts kafka 2,439 / chain 2,106"),
                TopologyBenchmark.disagreements(List.of(
                        result(BenchScenario.PACKETS, "kafka", Map.of("flows", 63_094L)),
                        result(BenchScenario.PACKETS, "chain", Map.of("flows", 51_710L)),
                        result(BenchScenario.PORTS, "kafka", Map.of("alerts", 2_439L, "anomalies", 39_552L)),
                        result(BenchScenario.PORTS, "chain", Map.of("alerts", 2_106L, "anomalies", 39_552L)))));
    }

    @Test
    void aScenarioRunInOneModeOnlyHasNothingToCompare() {
        assertEquals(List.of(), TopologyBenchmark.disagreements(List.of(
                result(BenchScenario.FLOWS, "chain", Map.of("classifications", 10L)))));
    }
}
