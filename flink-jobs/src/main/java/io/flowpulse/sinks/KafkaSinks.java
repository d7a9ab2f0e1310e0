package io.flowpulse.sinks;

import io.flowpulse.config.JobOptions;
import io.flowpulse.records.codec.AvroCodec;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;

/** Kafka sinks of Avro records, configured from {@link JobOptions}. */
public final class KafkaSinks {
    private KafkaSinks() {}

    public static <T extends SpecificRecordBase> KafkaSink<T> avro(Configuration conf,
            ConfigOption<String> topicOption, AvroCodec<T> codec, SerializableFunction<T, String> key) {
        String topic = conf.get(topicOption);
        DeliveryGuarantee guarantee = DeliveryGuarantee.valueOf(
                conf.get(JobOptions.DELIVERY_GUARANTEE).toUpperCase(Locale.ROOT).replace('-', '_'));
        return KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(JobOptions.BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(JobOptions.clientProperties(conf))
                .setRecordSerializer(new AvroRecordSerializer<>(topic, codec, key))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(conf.get(JobOptions.TRANSACTIONAL_ID_PREFIX) + "-" + topic)
                // must stay below the broker's transaction.max.timeout.ms (15 min by default)
                .setProperty("transaction.timeout.ms", "600000")
                .setProperty("compression.type", "lz4")
                .setProperty("linger.ms", "20")
                .build();
    }
}
