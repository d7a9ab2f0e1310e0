package io.flowpulse.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.AnomalyKeySelector;
import io.flowpulse.functions.PortPointKeySelector;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.Severity;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

class AlertEscalationFunctionsTest {
    static final long BUCKET = Duration.ofMinutes(30).toMillis();
    static final long START = 1_767_571_200_000L;
    static final EscalationParams PARAMS =
            new EscalationParams(4, 2, Duration.ofMinutes(30), Duration.ofHours(6));

    static AnomalyScore score(String port, int bucket, boolean anomalous) {
        return AnomalyScore.newBuilder()
                .setDevice("sw1").setPort(port).setDirection(Direction.IN)
                .setBucketEndMillis(START + bucket * BUCKET)
                .setValue(1).setExpected(1).setLower(0).setUpper(2)
                .setScore(anomalous ? 9 : 0).setAnomalous(anomalous)
                .setModelId("holt-winters").setModelVersion(1).build();
    }

    static EscalationSignal signal(EscalationSignal.Kind kind, int first, int last, int anomalous) {
        EscalationSignal s = new EscalationSignal();
        s.kind = kind;
        s.device = "sw1";
        s.port = "ge-0/0/1";
        s.direction = Direction.IN;
        s.key = PortPointKeySelector.portKey(s.device, s.port, s.direction);
        s.firstBucketMillis = START + first * BUCKET;
        s.lastBucketMillis = START + last * BUCKET;
        s.anomalousBuckets = anomalous;
        s.peakScore = 10 + last;
        s.modelId = "holt-winters";
        return s;
    }

    @Test
    void stateTypesArePojos() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EscalationSignal.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(EscalationGate.GateState.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AlertEpisodeFunction.AlertEpisode.class);
    }

    @Test
    void gateForwardsAnomaliesAndTheNormalsThatCanClearThem() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, AnomalyScore, AnomalyScore> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new EscalationGate(PARAMS), new AnomalyKeySelector(), Types.STRING)) {
            boolean[] flags = {false, false, true, false, true, false, false, false, false, false};
            for (int i = 0; i < flags.length; i++) {
                AnomalyScore s = score("ge-0/0/1", i, flags[i]);
                h.processElement(s, s.getBucketEndMillis());
                h.processWatermark(s.getBucketEndMillis());
            }
            List<Long> forwarded = h.extractOutputValues().stream()
                    .map(s -> (s.getBucketEndMillis() - START) / BUCKET).collect(Collectors.toList());
            assertEquals(List.of(2L, 3L, 4L, 5L, 6L), forwarded);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());

            // an episode whose port goes silent is dropped after the idle TTL
            AnomalyScore last = score("ge-0/0/2", 11, true);
            h.processElement(last, last.getBucketEndMillis());
            assertEquals(1, h.numKeyedStateEntries());
            assertEquals(1, h.numEventTimeTimers());
            h.processWatermark(last.getBucketEndMillis() + PARAMS.idleTtlMillis);
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void signalsFromTheUnionAreAppliedInEventTimeOrderOncePerEpisode() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, EscalationSignal, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new AlertEpisodeFunction(PARAMS), s -> s.key, Types.STRING)) {
            // the clear operator is ahead of the others: its signal arrives first
            process(h, signal(EscalationSignal.Kind.CLEAR, 7, 8, 0));
            for (int b = 2; b <= 6; b++) {
                process(h, signal(EscalationSignal.Kind.OPEN, b, b, 1));
            }
            process(h, signal(EscalationSignal.Kind.ESCALATE, 2, 5, 4));
            assertEquals(0, h.extractOutputValues().size(), "nothing before the watermark");
            h.processWatermark(START + 8 * BUCKET);
            List<Alert> alerts = h.extractOutputValues();
            assertEquals(List.of(AlertState.OPEN, AlertState.ESCALATED, AlertState.CLEARED),
                    alerts.stream().map(Alert::getState).collect(Collectors.toList()));
            assertEquals(List.of(Severity.WARNING, Severity.CRITICAL, Severity.CRITICAL),
                    alerts.stream().map(Alert::getSeverity).collect(Collectors.toList()));
            assertEquals(1, alerts.stream().map(a -> a.getAlertId().toString()).distinct().count());
            Alert cleared = alerts.get(2);
            assertEquals(5, cleared.getCount());
            assertEquals(START + 2 * BUCKET, cleared.getFirstBucketMillis());
            assertEquals(START + 6 * BUCKET, cleared.getLastBucketMillis());
            assertEquals(16.0, cleared.getPeakScore());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    @Test
    void silentOpenEpisodeIsClearedAfterTheTtl() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, EscalationSignal, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new AlertEpisodeFunction(PARAMS), s -> s.key, Types.STRING)) {
            process(h, signal(EscalationSignal.Kind.OPEN, 3, 3, 1));
            h.processWatermark(START + 3 * BUCKET);
            assertEquals(1, h.extractOutputValues().size());
            assertTrue(h.numKeyedStateEntries() > 0);
            h.processWatermark(START + 3 * BUCKET + PARAMS.idleTtlMillis);
            List<Alert> alerts = h.extractOutputValues();
            assertEquals(AlertState.CLEARED, alerts.get(1).getState());
            assertEquals(0, h.numKeyedStateEntries());
            assertEquals(0, h.numEventTimeTimers());
        }
    }

    static void process(KeyedOneInputStreamOperatorTestHarness<String, EscalationSignal, Alert> h,
            EscalationSignal s) throws Exception {
        h.processElement(new StreamRecord<>(s, s.lastBucketMillis));
    }
}
