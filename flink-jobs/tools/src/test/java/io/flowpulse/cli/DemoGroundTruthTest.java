package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.Severity;
import io.flowpulse.sim.InjectedAnomaly;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoGroundTruthTest {
    private static final long H = 3_600_000L;

    private static Alert alert(String port, long first, AlertState state, String model) {
        return Alert.newBuilder().setAlertId("sw|" + port + "|IN@" + first + (model.equals("no-data") ? "/no-data" : ""))
                .setDevice("sw").setPort(port).setDirection(Direction.IN).setSeverity(Severity.WARNING).setState(state)
                .setFirstBucketMillis(first).setLastBucketMillis(first).setCount(1).setPeakScore(9).setModelId(model)
                .build();
    }

    @Test
    void episodesAreMatchedToInjectedAnomaliesOfTheirPort() {
        List<InjectedAnomaly> injected = List.of(
                new InjectedAnomaly("sw", "p1", Direction.IN, 10 * H, 12 * H, InjectedAnomaly.Kind.SPIKE, 4),
                new InjectedAnomaly("sw", "p1", Direction.IN, 50 * H, 60 * H, InjectedAnomaly.Kind.LEVEL_SHIFT, 2),
                new InjectedAnomaly("sw", "p2", Direction.IN, 10 * H, 11 * H, InjectedAnomaly.Kind.DROP, 0.1));
        List<Alert> alerts = List.of(
                alert("p1", 10 * H + H / 2, AlertState.OPEN, "robust-band"),
                alert("p1", 10 * H + H / 2, AlertState.CLEARED, "robust-band"), // same episode, updated
                alert("p1", 61 * H, AlertState.OPEN, "robust-band"), // the return after the level shift
                alert("p1", 30 * H, AlertState.OPEN, "robust-band"), // false
                Alert.newBuilder(alert("p2", 10 * H + H / 2, AlertState.OPEN, "robust-band")).setPort("p3").setAlertId("x").build(),
                alert("p2", 90 * H, AlertState.OPEN, "no-data"));
        PortPoint filled = PortPoint.newBuilder().setDevice("sw").setPort("p2").setDirection(Direction.IN)
                .setBucketStartMillis(89 * H).setBucketEndMillis(90 * H).setBytes(0).setSampleCount(0).setFilled(true)
                .build();
        AnomalyScore flaggedInGap = AnomalyScore.newBuilder().setDevice("sw").setPort("p2").setDirection(Direction.IN)
                .setBucketEndMillis(90 * H).setValue(0).setExpected(1).setLower(0.5).setUpper(1.5).setScore(9)
                .setAnomalous(true).setModelId("robust-band").setModelVersion(1).build();
        DemoGroundTruth.Result r = DemoGroundTruth.compare(injected, alerts, List.of(flaggedInGap), List.of(filled));
        assertEquals(3, r.injected());
        assertEquals(2, r.found());
        assertEquals(InjectedAnomaly.Kind.DROP, r.missed().get(0).kind());
        assertEquals(4, r.episodes());
        assertEquals(2, r.matchedEpisodes());
        assertEquals(2, r.falseEpisodes());
        assertEquals(1, r.noDataSignals());
        assertEquals(1, r.flaggedFilled());
        assertTrue(r.episodesWithinTwiceInjected());
        assertFalse(r.foundAtLeast90Percent());
    }
}
