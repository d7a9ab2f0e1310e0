package io.flowpulse.local;

import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.RecordDecodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one output topic from the beginning and decodes its records (read_committed, so
 * transactional output is seen only once committed). Used by the demo's live summary and by the
 * integration tests, which poll with a deadline instead of sleeping.
 */
public final class TopicReader<T extends SpecificRecordBase> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroCodec<T> codec;
    private final List<T> records = new ArrayList<>();
    private long undecodable;

    public TopicReader(String bootstrap, String topic, AvroCodec<T> codec, Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "flowpulse-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.codec = codec;
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    public TopicReader(String bootstrap, String topic, AvroCodec<T> codec) {
        this(bootstrap, topic, codec, new Properties());
    }

    /** Polls once (up to {@code timeout}) and returns the records that arrived in this poll. */
    public List<T> poll(Duration timeout) {
        List<T> fresh = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                fresh.add(codec.decode(r.value()));
            } catch (RecordDecodeException e) {
                undecodable++;
            }
        }
        records.addAll(fresh);
        return fresh;
    }

    /** Polls until {@code done} holds for everything read so far, or the deadline passes. */
    public List<T> pollUntil(Predicate<List<T>> done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.test(records) && System.nanoTime() < end) {
            poll(Duration.ofMillis(200));
        }
        return records;
    }

    /**
     * Reads until this consumer's position reaches the topic's current end offsets (the last
     * stable offsets under read_committed), or the deadline passes. Returns true when caught up.
     */
    public boolean drainToEnd(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        java.util.Map<TopicPartition, Long> endOffsets = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(10));
        while (System.nanoTime() < end) {
            boolean caughtUp = true;
            for (java.util.Map.Entry<TopicPartition, Long> e : endOffsets.entrySet()) {
                if (consumer.position(e.getKey()) < e.getValue()) {
                    caughtUp = false;
                }
            }
            if (caughtUp) {
                return true;
            }
            poll(Duration.ofMillis(200));
        }
        return false;
    }

    /** Sum over partitions of the end offsets (records in the topic, for non-transactional writes). */
    public long endOffsetTotal() {
        return consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
    }

    public List<T> records() {
        return records;
    }

    public long undecodable() {
        return undecodable;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
