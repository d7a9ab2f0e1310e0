package io.flowpulse.local;

import io.flowpulse.records.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes records (Avro single-object encoded) or raw bytes to Kafka; for the simulator, replay and tests. */
public final class TopicWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private long sent;
    private final java.util.concurrent.atomic.AtomicReference<Exception> firstError = new java.util.concurrent.atomic.AtomicReference<>();

    public TopicWriter(String bootstrap, Properties clientProps) {
        Properties p = new Properties();
        p.putAll(clientProps);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // One batch in flight per partition: a fresh topic answers the first batches with
        // NOT_LEADER_OR_FOLLOWER, and with several batches in flight the idempotent producer's
        // retries could end in OUT_OF_ORDER_SEQUENCE_NUMBER (seen on the embedded broker).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public TopicWriter(String bootstrap) {
        this(bootstrap, new Properties());
    }

    public <T extends SpecificRecordBase> void send(String topic, String key, long timestampMillis, AvroCodec<T> codec, T record) {
        sendRaw(topic, key, timestampMillis, codec.encode(record));
    }

    /**
     * Sends raw bytes. {@code timestampMillis} (event time) is not used as the Kafka timestamp:
     * replays of old traffic would fall under time-based retention the moment they are written.
     */
    public void sendRaw(String topic, String key, long timestampMillis, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value), (md, e) -> {
                    if (e != null) {
                        firstError.compareAndSet(null, e);
                    }
                });
        sent++;
    }

    /** Sends raw bytes to one partition (e.g. a PacketBatch, whose packets' flow keys chose it); {@code key} may be null. */
    public void sendRaw(String topic, int partition, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, null, key, value), (md, e) -> {
            if (e != null) {
                firstError.compareAndSet(null, e);
            }
        });
        sent++;
    }

    /** The topic's partition count (waits for its metadata). */
    public int partitions(String topic) {
        return producer.partitionsFor(topic).size();
    }

    public long sent() {
        return sent;
    }

    /** Waits until everything sent is acknowledged; throws if any record could not be delivered. */
    public void flush() {
        producer.flush();
        Exception e = firstError.get();
        if (e != null) {
            throw new IllegalStateException("records could not be delivered to Kafka", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
