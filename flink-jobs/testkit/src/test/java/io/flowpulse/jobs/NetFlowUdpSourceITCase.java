package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.sources.netflow.ExportListenAddress;
import io.flowpulse.sources.netflow.NetFlowUdpSource;
import io.flowpulse.testing.QueueSink;
import io.flowpulse.testing.RecordedExports;
import io.flowpulse.testing.TestClusters;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code flow-records.source: udp://...}: the job receives exports itself. softflowd's recorded IPFIX
 * export sent to the job's UDP source becomes one flow per exporter record with softflowd's packets
 * and bytes; malformed datagrams become dead letters with the decoder's reason.
 */
class NetFlowUdpSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @Test
    void exportsSentToTheJobsUdpSourceBecomeFlowsAndMalformedOnesDeadLetters() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Configuration conf = Configuration.fromMap(java.util.Map.of(
                JobOptions.FLOW_RECORDS_SOURCE.key(), "udp://127.0.0.1:" + port, JobOptions.IDLENESS.key(), "1 s"));
        NetFlowUdpSource source = (NetFlowUdpSource) FlowpulseJob.flowRecordsSource(conf);
        QueueSink<FlowFeatures> flows = new QueueSink<>();
        QueueSink<DeadLetter> dead = new QueueSink<>();
        StreamExecutionEnvironment env = FlowpulseJobITCase.env();
        FlowpulseTopology.defineWorkflow(env, new FlowpulseSources(null, source, null, null),
                new FlowpulseSinks(flows, null, null, null, dead, null, null, null, null), conf);
        JobClient job = env.executeAsync("netflow-udp-source");
        try {
            RecordedExports rec = RecordedExports.named("wechat.v10b");
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            List<byte[]> malformed = RecordedExports.malformed(rec.datagrams().get(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // the reader binds once the job runs: resend the export (new exporter address each time) until it arrives
            int attempt = 0;
            while (flows.values().isEmpty() && System.nanoTime() < deadline) {
                RecordedExports.send("127.0.1." + (++attempt), to, rec.datagrams());
                Thread.sleep(500);
            }
            String exporter = "127.0.1." + attempt;
            while (flows.values().stream().filter(f -> exporter.equals(f.getSource())).count() < rec.records()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            RecordedExports.send("127.0.2.1", to, malformed);
            while (dead.values().size() < malformed.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<FlowFeatures> got = flows.values().stream().filter(f -> exporter.equals(f.getSource())).toList();
            assertEquals(rec.records(), got.size());
            assertEquals(rec.packets(), (long) got.stream().mapToDouble(f -> f.getFeatures().get("bidirectional_packets")).sum());
            assertEquals(rec.octets(), (long) got.stream().mapToDouble(f -> f.getFeatures().get("bidirectional_bytes")).sum());
            assertEquals(malformed.size(), dead.values().size());
            for (DeadLetter d : dead.values()) {
                assertTrue(d.getReason().startsWith("undecodable-at-source: undecodable export datagram from 127.0.2.1: "), d.getReason());
            }
        } finally {
            job.cancel().get();
        }
    }
}
