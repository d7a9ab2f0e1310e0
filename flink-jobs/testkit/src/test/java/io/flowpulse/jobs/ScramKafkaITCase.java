package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker that requires SASL_SSL with SCRAM-SHA-512 (TLS with a self-signed
 * certificate for localhost made by keytool, hostname verification on; an authorizer denying
 * everyone without an ACL): the client settings (SCRAM login and truststore) reach every source and sink
 * from a properties file ({@code kafka.client-properties-file}, as a mounted secret would), the
 * job turns packets into flows and a bad record into a dead letter; a wrong password is refused.
 */
class ScramKafkaITCase {
    static final String USER = "flowpulse-job";
    static final String PASSWORD = "scram-test-password-7";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension(() -> EmbeddedKafkaCluster.startWithScram(USER, PASSWORD, true));

    @Test
    void aWrongPasswordIsRefused() {
        Properties p = KAFKA.cluster().scramClientProperties();
        p.putAll(EmbeddedKafkaCluster.scramProperties(USER, "not-the-password"));
        p.put("security.protocol", "SASL_SSL");
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.cluster().bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof SaslAuthenticationException, e.toString());
        }
    }

    @Test
    void theJobRunsWithScramCredentialsFromAPropertiesFile(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("kafka-client.properties");
        try (Writer w = Files.newBufferedWriter(secret)) {
            KAFKA.cluster().scramClientProperties().store(w, "SASL/SCRAM client settings of the job");
        }
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.cluster().bootstrapServers());
        m.put(JobOptions.GROUP_ID.key(), "scram-job");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        // every partition gets data and a clock packet: no idleness needed (a short one made the
        // slower TLS reader's packets late on a loaded machine)
        m.put(JobOptions.IDLENESS.key(), "5 min");
        m.put(JobOptions.CLIENT_PROPERTIES_FILE.key(), secret.toString());
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                m.put(o.key(), "scram-" + o.defaultValue());
            }
        }
        Configuration conf = Configuration.fromMap(m);
        KAFKA.cluster().createTopics(2, FlowpulseJobITCase.topics(conf));
        Properties client = KAFKA.cluster().scramClientProperties();
        String packets = conf.get(JobOptions.TOPIC_PACKETS);

        long t0 = 1_763_856_000_000_000L;
        List<List<PacketEvent>> conversations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            conversations.add(TestTraffic.tcpConversation(t0 + i * 1_000_000L, 1 + i, 1, 41000 + i, 443, 2 + i));
        }
        try (TopicWriter writer = new TopicWriter(KAFKA.cluster().bootstrapServers(), client)) {
            for (List<PacketEvent> c : conversations) {
                for (PacketEvent p : c) {
                    writer.send(packets, new FlowKeySelector().getKey(p), p.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, p);
                }
            }
            writer.sendRaw(packets, "bad", 1, "not avro".getBytes());
            for (PacketEvent clock : PartitionClock.packets(t0 + 600_000_000L, 2)) {
                writer.send(packets, new FlowKeySelector().getKey(clock), clock.getTimestampMicros() / 1000, Codecs.PACKET_EVENT, clock);
            }
            writer.flush();
        }
        JobClient job = FlowpulseJob.start(FlowpulseJobITCase.env(), conf);
        try {
            try (TopicReader<FlowFeatures> flows = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_FLOWS),
                            Codecs.FLOW_FEATURES, client);
                    TopicReader<DeadLetter> dead = new TopicReader<>(KAFKA.cluster().bootstrapServers(), conf.get(JobOptions.TOPIC_DEAD_LETTERS),
                            Codecs.DEAD_LETTER, client)) {
                List<FlowFeatures> got = flows.pollUntil(l -> l.size() >= conversations.size(), Duration.ofSeconds(90));
                List<DeadLetter> letters = dead.pollUntil(l -> !l.isEmpty(), Duration.ofSeconds(30));
                assertEquals(conversations.size(), got.size(), "every conversation became a flow through the SCRAM listener");
                assertEquals(1, letters.size());
                assertTrue(letters.get(0).getReason().startsWith("not-single-object-avro"), letters.get(0).getReason());
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
            }
        } finally {
            job.cancel().get();
        }
    }
}
