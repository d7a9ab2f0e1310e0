package io.flowpulse.console;

import io.flowpulse.records.Annotation;
import io.flowpulse.records.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the analysts' labels to the {@code labels} topic (key = request id, as the annotate
 * command does), one acknowledged record per click: the page says "saved" only once the broker has it.
 */
final class LabelWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    LabelWriter(ConsoleSettings settings) {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        topic = settings.topics().labels();
    }

    String topic() {
        return topic;
    }

    RecordMetadata write(Annotation a) throws InterruptedException, ExecutionException, TimeoutException {
        byte[] key = a.getRequestId() == null ? null : a.getRequestId().toString().getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(topic, key, Codecs.ANNOTATION.encode(a))).get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
