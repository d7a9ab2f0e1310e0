package io.flowpulse.sources;

import io.flowpulse.config.JobOptions;
import io.flowpulse.records.RawRecord;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Kafka sources of undecoded records, configured from {@link JobOptions}. */
public final class KafkaSources {
    private KafkaSources() {}

    @SuppressWarnings("deprecation")
    public static KafkaSource<RawRecord> raw(Configuration conf, ConfigOption<String> topicOption) {
        String topic = conf.get(topicOption);
        KafkaSourceBuilder<RawRecord> b = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(conf.get(JobOptions.BOOTSTRAP_SERVERS))
                .setTopics(topic)
                .setGroupId(conf.get(JobOptions.GROUP_ID))
                .setDeserializer(new RawRecordDeserializer())
                .setProperties(JobOptions.clientProperties(conf))
                // offsets are committed on checkpoints (the source's default when checkpointing is on)
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", conf.get(JobOptions.GROUP_ID) + "-" + topic);
        switch (conf.get(JobOptions.STARTING_OFFSETS)) {
            case "earliest":
                b.setStartingOffsets(OffsetsInitializer.earliest());
                break;
            case "latest":
                b.setStartingOffsets(OffsetsInitializer.latest());
                break;
            case "committed-or-earliest":
                b.setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST));
                break;
            default:
                throw new IllegalArgumentException("unknown " + JobOptions.STARTING_OFFSETS.key()
                        + ": " + conf.get(JobOptions.STARTING_OFFSETS));
        }
        if (conf.get(JobOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }
}
