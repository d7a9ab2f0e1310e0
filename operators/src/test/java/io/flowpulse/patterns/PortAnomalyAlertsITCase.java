package io.flowpulse.patterns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.functions.PortAnomalyDetector;
import io.flowpulse.functions.PortPointKeySelector;
import io.flowpulse.ml.detectors.HoltWintersParams;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import io.flowpulse.records.Severity;
import java.util.ArrayList;
import java.util.List;
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

/** Port points through the Holt-Winters operator and the CEP escalation, as the topology wires them. */
class PortAnomalyAlertsITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static final long BUCKET = HoltWintersParams.DEFAULT_BUCKET_MILLIS;
    static final long START = 1_767_571_200_000L;
    static final int DAYS = 4;
    static final String[] PORTS = {"ge-0/0/1", "ge-0/0/2", "ge-0/0/3"};
    /** ge-0/0/1 carries a 3-hour surge on day 3 (6 buckets); the others are normal. */
    static final int SURGE_FROM = 48 * 3 + 20;
    static final int SURGE_TO = SURGE_FROM + 6;

    static final class Points implements GeneratorFunction<Long, PortPoint> {
        private static final long serialVersionUID = 1L;

        @Override
        public PortPoint map(Long index) {
            int port = (int) (index % PORTS.length);
            int bucket = (int) (index / PORTS.length);
            double hour = (bucket % 48) / 2.0;
            double bytes = (1 + port) * 1e8 * (1 + 0.4 * Math.sin(2 * Math.PI * (hour - 6) / 24))
                    + 1e6 * ((bucket * 7 + port * 3) % 5);
            if (port == 0 && bucket >= SURGE_FROM && bucket < SURGE_TO) {
                bytes *= 3;
            }
            long start = START + bucket * BUCKET;
            return PortPoint.newBuilder()
                    .setDevice("edge-1").setPort(PORTS[port]).setDirection(Direction.IN)
                    .setBucketStartMillis(start).setBucketEndMillis(start + BUCKET)
                    .setBytes(bytes).setSampleCount(6).setFilled(false)
                    .build();
        }
    }

    @Test
    void surgeBecomesOneEscalatedAlert() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataGeneratorSource<PortPoint> source = new DataGeneratorSource<>(new Points(),
                (long) DAYS * 48 * PORTS.length, TypeInformation.of(PortPoint.class));
        DataStream<PortPoint> points = env.fromSource(source,
                        WatermarkStrategy.<PortPoint>forMonotonousTimestamps()
                                .withTimestampAssigner((p, ts) -> p.getBucketEndMillis()),
                        "port-points")
                .setParallelism(1);
        DataStream<AnomalyScore> scores = points.keyBy(new PortPointKeySelector())
                .process(new PortAnomalyDetector(HoltWintersParams.defaults()))
                .uid("port-anomaly-detector").name("port-anomaly-detector");
        List<Alert> alerts = new ArrayList<>();
        AlertEscalation.alerts(scores, EscalationParams.defaults()).executeAndCollect().forEachRemaining(alerts::add);

        assertEquals(List.of(AlertState.OPEN, AlertState.ESCALATED, AlertState.CLEARED),
                alerts.stream().map(Alert::getState).collect(Collectors.toList()), alerts.toString());
        assertEquals(List.of(Severity.WARNING, Severity.CRITICAL, Severity.CRITICAL),
                alerts.stream().map(Alert::getSeverity).collect(Collectors.toList()));
        Alert cleared = alerts.get(2);
        assertEquals("ge-0/0/1", cleared.getPort().toString());
        assertEquals(1, alerts.stream().map(Alert::getAlertId).distinct().count());
        assertEquals(START + (SURGE_FROM + 1) * BUCKET, cleared.getFirstBucketMillis());
        assertEquals(6, cleared.getCount());
        assertEquals("holt-winters", cleared.getModelId().toString());
    }
}
