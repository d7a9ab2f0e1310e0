package io.flowpulse.sinks;

import io.flowpulse.config.JobOptions;
import io.flowpulse.records.codec.AvroCodec;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;

/** Kafka sinks of Avro records, configured from {@link JobOptions}. */
public final class KafkaSinks {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSinks.class);

    private KafkaSinks() {}

    /** True when the sinks are transactional (kafka.delivery-guarantee exactly-once). */
    public static boolean exactlyOnce(Configuration conf) {
        return deliveryGuarantee(conf) == DeliveryGuarantee.EXACTLY_ONCE;
    }

    static DeliveryGuarantee deliveryGuarantee(Configuration conf) {
        return DeliveryGuarantee.valueOf(
                conf.get(JobOptions.DELIVERY_GUARANTEE).toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * Fails fast when kafka.transaction-timeout exceeds the broker's transaction.max.timeout.ms:
     * otherwise every transactional producer fails in initTransactions and the job restarts in a
     * loop. Returns the broker's limit in ms, or -1 when it could not be read (no DescribeConfigs
     * permission, broker unreachable: logged, not fatal, the producers report it then).
     */
    public static long checkTransactionTimeout(Configuration conf) {
        long wanted = conf.get(JobOptions.TRANSACTION_TIMEOUT).toMillis();
        java.util.Properties p = JobOptions.clientProperties(conf);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, conf.get(JobOptions.BOOTSTRAP_SERVERS));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long limit;
        try (Admin admin = Admin.create(p)) {
            String brokerId = Integer.toString(admin.describeCluster().nodes().get(15, TimeUnit.SECONDS).iterator().next().id());
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Config config = admin.describeConfigs(List.of(broker)).all().get(15, TimeUnit.SECONDS).get(broker);
            limit = Long.parseLong(config.get("transaction.max.timeout.ms").value());
        } catch (Exception e) {
            LOG.warn("could not read the broker's transaction.max.timeout.ms ({}); {}={} ms unchecked",
                    e.toString(), JobOptions.TRANSACTION_TIMEOUT.key(), wanted);
            return -1;
        }
        if (wanted > limit) {
            throw new IllegalArgumentException(JobOptions.TRANSACTION_TIMEOUT.key() + " = " + wanted
                    + " ms exceeds the broker's transaction.max.timeout.ms = " + limit + " ms");
        }
        return limit;
    }

    /** The sinks' producer batch size unless the Kafka client properties set {@code batch.size}. */
    public static final int DEFAULT_BATCH_BYTES = 256 * 1024;

    /**
     * The sinks' producer properties: {@code batch.size} 256 KiB by default (a {@code flows} record is ~2.3 KB,
     * so Kafka's 16 KiB default closed a batch, and allocated a new lz4 buffer, every ~7 records; issue 13:
     * {@code bench --scenario packets --mode kafka}: the broker's request handlers and the producer's network
     * thread 6.2-9.9 -> 2.3-4.6 CPU-s per 4 M packets), then the user's client properties, which override it.
     */
    static java.util.Properties producerProperties(Configuration conf) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("batch.size", Integer.toString(DEFAULT_BATCH_BYTES));
        props.setProperty("compression.type", "lz4");
        props.setProperty("linger.ms", "20");
        props.putAll(JobOptions.clientProperties(conf));
        return props;
    }

    public static <T extends SpecificRecordBase> KafkaSink<T> avro(Configuration conf,
            ConfigOption<String> topicOption, AvroCodec<T> codec, SerializableFunction<T, String> key) {
        String topic = conf.get(topicOption);
        DeliveryGuarantee guarantee = deliveryGuarantee(conf);
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(JobOptions.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producerProperties(conf))
                .setRecordSerializer(new AvroRecordSerializer<>(topic, codec, key))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(conf.get(JobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + topic)
                // must stay below the broker's transaction.max.timeout.ms (15 min by default):
                // checkTransactionTimeout verifies it against the broker at job start
                .setProperty("transaction.timeout.ms", Long.toString(conf.get(JobOptions.TRANSACTION_TIMEOUT).toMillis()))
                .build();
    }
}
