package io.flowpulse.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AlertEscalationITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static final long BUCKET = Duration.ofMinutes(30).toMillis();
    static final long START = 1_767_571_200_000L;
    static final int BUCKETS = 14;
    /** Per port: the anomalous buckets. */
    static final String[] PORTS = {"single", "run", "two-episodes", "quiet", "four"};
    static final int[][] ANOMALOUS = {{3}, {2, 3, 4, 5, 6, 7}, {1, 6, 7, 9}, {}, {4, 5, 6, 7}};

    /** Index i: bucket i / ports of port i % ports, so every port's scores come in time order. */
    static final class Scores implements GeneratorFunction<Long, AnomalyScore> {
        private static final long serialVersionUID = 1L;

        @Override
        public AnomalyScore map(Long index) {
            int port = (int) (index % PORTS.length);
            int bucket = (int) (index / PORTS.length);
            boolean anomalous = false;
            for (int b : ANOMALOUS[port]) {
                anomalous |= b == bucket;
            }
            return AnomalyScore.newBuilder()
                    .setDevice("sw1").setPort(PORTS[port]).setDirection(Direction.OUT)
                    .setBucketEndMillis(START + (bucket + 1) * BUCKET)
                    .setValue(anomalous ? 9e6 : 1e6).setExpected(1e6).setLower(8e5).setUpper(1.2e6)
                    .setScore(anomalous ? 40 + bucket : 0.5).setAnomalous(anomalous)
                    .setModelId("holt-winters").setModelVersion(1)
                    .build();
        }
    }

    @Test
    void episodesOpenEscalateAndClearOnceEach() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataGeneratorSource<AnomalyScore> source = new DataGeneratorSource<>(new Scores(),
                (long) BUCKETS * PORTS.length, TypeInformation.of(AnomalyScore.class));
        DataStream<AnomalyScore> scores = env.fromSource(source,
                        WatermarkStrategy.<AnomalyScore>forMonotonousTimestamps()
                                .withTimestampAssigner((s, ts) -> s.getBucketEndMillis()),
                        "scores")
                .setParallelism(1);
        List<Alert> alerts = new ArrayList<>();
        AlertEscalation.alerts(scores, EscalationParams.defaults()).executeAndCollect().forEachRemaining(alerts::add);

        Map<String, List<Alert>> byPort = alerts.stream()
                .sorted(Comparator.comparingLong(Alert::getLastBucketMillis))
                .collect(Collectors.groupingBy(a -> a.getPort().toString()));
        assertEquals(4, byPort.size(), "no alert for the quiet port: " + alerts);

        List<Alert> four = byPort.get("four");
        assertEquals(List.of(AlertState.OPEN, AlertState.ESCALATED, AlertState.CLEARED), states(four), four.toString());
        assertEquals(List.of(Severity.WARNING, Severity.CRITICAL, Severity.CRITICAL), severities(four));
        assertEquals(1, four.stream().map(Alert::getAlertId).distinct().count());
        assertEquals(START + 8 * BUCKET, four.get(1).getLastBucketMillis(), "escalated on the 4th bucket");

        List<Alert> single = byPort.get("single");
        assertEquals(List.of(AlertState.OPEN, AlertState.CLEARED), states(single));
        assertEquals(List.of(Severity.WARNING, Severity.WARNING), severities(single));
        assertEquals(1, single.get(1).getCount());
        assertEquals(single.get(0).getAlertId(), single.get(1).getAlertId());

        List<Alert> run = byPort.get("run");
        assertEquals(List.of(AlertState.OPEN, AlertState.ESCALATED, AlertState.CLEARED), states(run), run.toString());
        assertEquals(List.of(Severity.WARNING, Severity.CRITICAL, Severity.CRITICAL), severities(run));
        assertEquals(1, run.stream().map(Alert::getAlertId).distinct().count());
        assertEquals(START + 3 * BUCKET, run.get(0).getFirstBucketMillis());
        assertEquals(6, run.get(2).getCount());
        assertEquals(START + 8 * BUCKET, run.get(2).getLastBucketMillis());
        assertEquals(47.0, run.get(2).getPeakScore());

        List<Alert> two = byPort.get("two-episodes");
        assertEquals(List.of(AlertState.OPEN, AlertState.CLEARED, AlertState.OPEN, AlertState.CLEARED), states(two),
                two.toString());
        assertEquals(two.get(0).getAlertId(), two.get(1).getAlertId());
        assertEquals(two.get(2).getAlertId(), two.get(3).getAlertId());
        assertNotEquals(two.get(0).getAlertId(), two.get(2).getAlertId());
        assertEquals(3, two.get(3).getCount(), "6, 7 and 9 (one normal bucket does not clear)");
    }

    static List<AlertState> states(List<Alert> alerts) {
        return alerts.stream().map(Alert::getState).collect(Collectors.toList());
    }

    static List<Severity> severities(List<Alert> alerts) {
        return alerts.stream().map(Alert::getSeverity).collect(Collectors.toList());
    }
}
