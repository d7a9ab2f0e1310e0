package io.flowpulse.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka 4.2 broker in KRaft mode (one combined broker+controller node), started in-process
 * from the Maven Central broker jars, listening on 127.0.0.1 with random free ports. Used by the
 * integration tests and the demo. No mocks, no Docker.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private final Path dataDir;

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster, Path dataDir) {
        this.cluster = cluster;
        this.dataDir = dataDir;
    }

    /** Starts a single-node KRaft cluster and waits until its broker is ready. */
    public static EmbeddedKafkaCluster start() throws Exception {
        return start(Map.of());
    }

    public static EmbeddedKafkaCluster start(Map<String, Object> brokerConfig) throws Exception {
        Path dir = Files.createTempDirectory("flowpulse-kafka-");
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dir)
                        .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("num.partitions", "2")
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))
                // replays of old captures carry old event times: never let time retention delete them
                .setConfigProp("log.retention.ms", "-1")
                .setConfigProp("log.retention.hours", Integer.toString(Integer.MAX_VALUE))
                .setDeleteOnClose(true);
        for (Map.Entry<String, Object> e : brokerConfig.entrySet()) {
            builder.setConfigProp(e.getKey(), e.getValue());
        }
        KafkaClusterTestKit cluster = builder.build();
        // the KRaft formatter prints its bootstrap metadata to stdout; keep the terminal clean
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(stdout);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafkaCluster(cluster, dir);
    }

    /** host:port of the broker, on 127.0.0.1. */
    public String bootstrapServers() {
        return cluster.bootstrapServers().replace("localhost", "127.0.0.1");
    }

    public Properties clientProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** Largest model record on the compacted (models) topics; producers of models set max.request.size to it. */
    public static final int MODEL_RECORD_MAX_BYTES = 16 * 1024 * 1024;

    /** Creates topics (ignores ones that exist) with the given partition count, replication 1. */
    public void createTopics(int partitions, Collection<String> topics) throws Exception {
        createTopics(partitions, topics, Set.of());
    }

    /** As above; topics in {@code compacted} get cleanup.policy=compact (e.g. models). */
    public void createTopics(int partitions, Collection<String> topics, Set<String> compacted) throws Exception {
        createTopics(bootstrapServers(), partitions, topics, compacted, new Properties());
    }

    public static void createTopics(String bootstrap, int partitions, Collection<String> topics,
            Set<String> compacted, Properties clientProps) throws Exception {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String t : topics) {
                NewTopic nt = new NewTopic(t, partitions, (short) 1);
                if (compacted.contains(t)) {
                    // compacted topics carry models: a forest is easily over the default 1 MB per record
                    nt.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MODEL_RECORD_MAX_BYTES)));
                }
                newTopics.add(nt);
            }
            for (var e : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
            awaitLeaders(admin, topics);
        }
    }

    /**
     * Polls (with a deadline) until every partition of the topics has a leader: producing to a
     * partition whose leadership has not propagated yet gets NOT_LEADER_OR_FOLLOWER, and the
     * retries of an idempotent producer can then end in OUT_OF_ORDER_SEQUENCE_NUMBER.
     */
    private static void awaitLeaders(Admin admin, Collection<String> topics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            boolean ready = true;
            try {
                for (var d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
                    for (var p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            ready = false;
                        }
                    }
                }
            } catch (java.util.concurrent.ExecutionException e) {
                ready = false; // e.g. UnknownTopicOrPartition while metadata propagates
            }
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics have no leader after 60 s: " + topics);
            }
            TimeUnit.MILLISECONDS.sleep(50); // poll interval of a deadline-bounded wait
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
