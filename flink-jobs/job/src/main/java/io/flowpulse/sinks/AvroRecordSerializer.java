package io.flowpulse.sinks;

import io.flowpulse.records.codec.AvroCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes a SpecificRecord as Avro single-object encoding, keyed by a string of the record. */
public class AvroRecordSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final AvroCodec<T> codec;
    private final SerializableFunction<T, String> key;

    public AvroRecordSerializer(String topic, AvroCodec<T> codec, SerializableFunction<T, String> key) {
        this.topic = topic;
        this.codec = codec;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String k = key == null ? null : key.apply(element);
        // The Kafka timestamp is left to the producer (now): event time travels in the record, and an
        // old event time as the Kafka timestamp would let time-based retention delete fresh output.
        return new ProducerRecord<>(topic, null, null,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8), codec.encode(element));
    }
}
