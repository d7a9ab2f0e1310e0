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
    /** Client settings of the broker's super user (empty without SASL). */
    private final Properties adminSecurity = new Properties();
    /** Client settings of the SCRAM user (empty without SASL). */
    private final Properties scramSecurity = new Properties();

    private EmbeddedKafkaCluster(KafkaClusterTestKit cluster, Path dataDir) {
        this.cluster = cluster;
        this.dataDir = dataDir;
    }

    /** The broker's super user when started with {@link #startWithScram} (PLAIN, inter-broker and admin). */
    public static final String SASL_ADMIN = org.apache.kafka.common.test.JaasUtils.KAFKA_PLAIN_ADMIN;
    static final String SASL_ADMIN_PASSWORD = org.apache.kafka.common.test.JaasUtils.KAFKA_PLAIN_ADMIN_PASSWORD;

    /**
     * Starts a broker whose client listener is SASL_PLAINTEXT with SCRAM-SHA-512 (and PLAIN for
     * its own super user, which the broker uses between its listeners), an authorizer that denies
     * everyone without an ACL, and the SCRAM user {@code user} created and made a super user.
     * Clients connect with {@link #scramClientProperties()}. Loopback only; TLS is not set up.
     * The test kit points the JVM's {@code java.security.auth.login.config} at its JAAS file (the
     * broker's own login); clients configure {@code sasl.jaas.config} and are not affected.
     */
    public static EmbeddedKafkaCluster startWithScram(String user, String password) throws Exception {
        Map<String, Object> conf = new java.util.HashMap<>();
        conf.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
        // ANONYMOUS: the broker reaching its own controller over the PLAINTEXT controller listener
        // (loopback, not advertised to clients); every client listener connection is authenticated
        conf.put("super.users", "User:" + SASL_ADMIN + ";User:" + user + ";User:ANONYMOUS");
        EmbeddedKafkaCluster k = start(conf, org.apache.kafka.common.security.auth.SecurityProtocol.SASL_PLAINTEXT);
        try {
            k.adminSecurity.put("security.protocol", "SASL_PLAINTEXT");
            k.adminSecurity.put("sasl.mechanism", "PLAIN");
            k.adminSecurity.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                    + SASL_ADMIN + "\" password=\"" + SASL_ADMIN_PASSWORD + "\";");
            try (Admin admin = Admin.create(k.clientProperties())) {
                admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                        new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                        password))).all().get(30, TimeUnit.SECONDS);
            }
            k.scramSecurity.putAll(scramProperties(user, password));
            k.awaitScramLogin();
        } catch (Exception e) {
            k.close();
            throw e;
        }
        return k;
    }

    /** security.protocol SASL_PLAINTEXT, sasl.mechanism SCRAM-SHA-512 and the JAAS line of {@code user}. */
    public static Properties scramProperties(String user, String password) {
        Properties p = new Properties();
        p.put("security.protocol", "SASL_PLAINTEXT");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    /** Client settings of the SCRAM user (startWithScram), to pass to producers, consumers and the job. */
    public Properties scramClientProperties() {
        Properties p = new Properties();
        p.putAll(scramSecurity);
        return p;
    }

    /** Polls until the SCRAM credential has reached the broker's cache (it travels through the metadata log). */
    private void awaitScramLogin() throws Exception {
        Properties p = new Properties();
        p.putAll(scramSecurity);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Admin admin = Admin.create(p)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            TimeUnit.MILLISECONDS.sleep(100); // poll interval of a deadline-bounded wait
        }
    }

    /** Starts a single-node KRaft cluster and waits until its broker is ready. */
    public static EmbeddedKafkaCluster start() throws Exception {
        return start(Map.of());
    }

    public static EmbeddedKafkaCluster start(Map<String, Object> brokerConfig) throws Exception {
        return start(brokerConfig, org.apache.kafka.common.security.auth.SecurityProtocol.PLAINTEXT);
    }

    private static EmbeddedKafkaCluster start(Map<String, Object> brokerConfig,
            org.apache.kafka.common.security.auth.SecurityProtocol protocol) throws Exception {
        Path dir = Files.createTempDirectory("flowpulse-kafka-");
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dir)
                        .setBrokerSecurityProtocol(protocol)
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

    /** Bootstrap servers, and with SASL the super user's settings: for admin clients of tests and the demo. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(adminSecurity);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** Creates topics (ignores ones that exist) with the given partition count, replication 1. */
    public void createTopics(int partitions, Collection<String> topics) throws Exception {
        createTopics(partitions, topics, Set.of());
    }

    /** As above; topics in {@code compacted} get cleanup.policy=compact (e.g. models). */
    public void createTopics(int partitions, Collection<String> topics, Set<String> compacted) throws Exception {
        createTopics(bootstrapServers(), partitions, topics, compacted, adminSecurity);
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
                    nt.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
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
