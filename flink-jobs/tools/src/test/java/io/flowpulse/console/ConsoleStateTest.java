package io.flowpulse.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.Severity;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console's view of the topics stays bounded and answers what the page asks. */
class ConsoleStateTest {
    static final long HOUR = 3_600_000L;

    static AnomalyScore point(String device, int bucket, boolean anomalous) {
        return AnomalyScore.newBuilder().setDevice(device).setPort("xe-0/0/1").setDirection(Direction.IN)
                .setBucketEndMillis(bucket * HOUR).setValue(bucket).setExpected(bucket).setLower(bucket - 1).setUpper(bucket + 1)
                .setScore(anomalous ? 9 : 1).setAnomalous(anomalous).setModelId("holt-winters").setModelVersion(1).build();
    }

    static Alert alert(String device, AlertState state, Severity severity, int first, int last) {
        return Alert.newBuilder().setAlertId(device + "@" + first).setDevice(device).setPort("xe-0/0/1").setDirection(Direction.IN)
                .setSeverity(severity).setState(state).setFirstBucketMillis(first * HOUR).setLastBucketMillis(last * HOUR)
                .setCount(last - first + 1).setPeakScore(9).setModelId("holt-winters").build();
    }

    static AnnotationRequest request(String id, double score) {
        return AnnotationRequest.newBuilder().setRequestId(id)
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2})).setSrcPort(5000).setDstPort(443).setProtocol(6).build())
                .setFlowStartMicros(1).setFeatures(Map.of("bidirectional_packets", 12.0, "zeta", 1.0))
                .setPredictedLabel("long").setProbabilities(Map.of("long", 0.6, "short", 0.4)).setScore(score)
                .setStrategy("least-confident").setRequestedMillis(5 * HOUR).build();
    }

    @Test
    void eachKeyKeepsOnlyItsNewestPointsAndKeysBeyondTheLimitAreCountedNotKept() {
        ConsoleState s = new ConsoleState(ConsoleSettings.defaults("unused:9092").withBounds(10, 3));
        for (int b = 0; b < 25; b++) {
            s.onAnomaly(point("a", b, b == 24));
        }
        s.onAnomaly(point("b", 24, false));
        s.onAnomaly(point("c", 24, false));
        s.onAnomaly(point("d", 24, false));
        var series = s.series("a|xe-0/0/1|IN", Long.MIN_VALUE, Long.MAX_VALUE).series();
        assertEquals(10, series.t.length, "the ring holds 10 points");
        assertEquals(15 * HOUR, series.t[0], "oldest held is bucket 15");
        assertEquals(24 * HOUR, series.t[9]);
        assertTrue(series.anomalous[9]);
        assertEquals(3, s.summary().ports());
        assertEquals(1, s.summary().droppedKeys(), "key d was beyond --max-keys");
        assertNull(s.series("d|xe-0/0/1|IN", 0, Long.MAX_VALUE));
        assertEquals(3, s.series("a|xe-0/0/1|IN", 20 * HOUR, 22 * HOUR).series().t.length, "a time range");
    }

    @Test
    void aSeriesGrowsItsArraysOnlyUpToTheLimitThenOverwritesTheOldest() {
        PortSeries s = new PortSeries("a", "p", "IN", 100);
        assertEquals(PortSeries.INITIAL, s.allocated(), "a new key takes little memory");
        for (int b = 0; b < 250; b++) {
            s.add(point("a", b, false));
        }
        assertEquals(100, s.allocated());
        var c = s.columns(Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(100, c.t.length);
        assertEquals(150 * HOUR, c.t[0]);
        assertEquals(249 * HOUR, c.t[99]);
        for (int i = 1; i < 100; i++) {
            assertEquals(c.t[i - 1] + HOUR, c.t[i], "in order across the growth and the wrap");
        }
    }

    @Test
    void portStatesFollowOpenAlertsTheLastPointAndStaleness() {
        ConsoleState s = new ConsoleState(ConsoleSettings.defaults("unused:9092").withStaleAfter(Duration.ofHours(2)));
        s.onAnomaly(point("ok", 10, false));
        s.onAnomaly(point("warn", 10, true));
        s.onAnomaly(point("crit", 10, true));
        s.onAnomaly(point("stale", 5, false));
        s.onAlert(alert("crit", AlertState.OPEN, Severity.WARNING, 7, 7));
        s.onAlert(alert("crit", AlertState.ESCALATED, Severity.CRITICAL, 7, 10)); // same episode, newer version
        Map<String, String> states = new java.util.HashMap<>();
        s.ports(null, null, "state", false, 0, 50).items().forEach(r -> states.put(r.device(), r.state()));
        assertEquals(Map.of("ok", "ok", "warn", "warning", "crit", "critical", "stale", "no data"), states);
        assertEquals(List.of("crit", "warn", "ok", "stale"),
                s.ports(null, null, "state", false, 0, 50).items().stream().map(ConsoleViews.PortRow::device).toList(), "worst first");
        assertEquals(1, s.ports("CRI", null, "key", false, 0, 50).total(), "filter is a case-insensitive substring");
        assertEquals(List.of("stale", "warn"), s.ports(null, null, "key", false, 1, 2).items().stream().map(ConsoleViews.PortRow::device).toList(), "the second page of two");
        assertEquals(1, s.alerts(null, 0, 10).held(), "one episode, its newest version");
        assertEquals("escalated", s.alerts(true, 0, 10).page().items().get(0).state());
        s.onAlert(alert("crit", AlertState.CLEARED, Severity.CRITICAL, 7, 11));
        assertEquals(0, s.alerts(true, 0, 10).page().total());
        assertEquals(1, s.series("crit|xe-0/0/1|IN", 0, Long.MAX_VALUE).episodes().size());
    }

    @Test
    void theQueueDropsLabelledAndSkippedRequestsAndCountsTheBudgetWindow() {
        ConsoleState s = new ConsoleState(ConsoleSettings.defaults("unused:9092"));
        s.onRequest(request("r1", 0.2));
        s.onRequest(request("r2", 0.4));
        s.onRequest(request("r3", 0.3));
        var q = s.queue(0, 10);
        assertEquals(List.of("r2", "r3", "r1"), q.page().items().stream().map(ConsoleViews.RequestView::requestId).toList(),
                "most informative first");
        assertEquals("10.0.0.1:5000 \u2192 10.0.0.2:443 TCP", q.page().items().get(0).flow());
        s.onLabel(Annotation.newBuilder().setRequestId("r2").setKey(request("r2", 0).getKey()).setFeatures(Map.of())
                .setLabel("long").setAnnotator("ada").setAnnotatedMillis(1).build());
        assertTrue(s.skip("r3"));
        assertFalse(s.skip("r3"), "skipped once");
        q = s.queue(0, 10);
        assertEquals(1, q.pending());
        assertEquals(3, q.windowRequests());
        assertEquals(1, q.windowLabelled());
        assertTrue(q.labels().containsAll(List.of("long", "short")));
        assertTrue(s.wasLabelled("r2"));
        s.onLabel(Annotation.newBuilder().setRequestId("r2").setKey(request("r2", 0).getKey()).setFeatures(Map.of())
                .setLabel("long").setAnnotator("ada").setAnnotatedMillis(1).build()); // read back from the topic
        assertEquals(1, s.queue(0, 10).labelled(), "counted once");
        assertEquals(1, s.queue(0, 10).recentLabels().size());
        s.onRequest(request("r2", 0.4)); // a replayed request that is already labelled stays out of the queue
        assertEquals(1, s.queue(0, 10).pending());
    }

    @Test
    void pendingRequestsAreBounded() {
        ConsoleSettings base = ConsoleSettings.defaults("unused:9092");
        ConsoleSettings small = new ConsoleSettings(base.bootstrapServers(), base.host(), base.port(), null, base.topics(),
                base.clientProperties(), 10, 10, 3, 3, base.staleAfter(), 10, base.budgetWindow(), base.maxBodyBytes());
        ConsoleState s = new ConsoleState(small);
        for (int i = 0; i < 10; i++) {
            s.onRequest(request("r" + i, i));
            s.onAlert(alert("d" + i, AlertState.OPEN, Severity.WARNING, i, i));
        }
        assertEquals(3, s.queue(0, 50).pending(), "the oldest requests were dropped");
        assertNull(s.pendingRequest("r0"));
        assertEquals(3, s.alerts(null, 0, 50).held(), "the least recently updated episodes were dropped");
    }
}
