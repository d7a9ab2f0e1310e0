package io.flowpulse.console;

import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.codec.RecordDecodeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread that reads the console's topics from the beginning (read_committed, no
 * consumer group offsets: every console start rebuilds its bounded view) into {@link ConsoleState}
 * and tells the {@link EventHub} about new alerts. Topics that do not exist yet (a console started
 * before the job) are looked up again every few seconds; the consumer never creates topics.
 */
final class TopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration RETRY_MISSING = Duration.ofSeconds(3);

    private final ConsoleSettings settings;
    private final ConsoleState state;
    private final EventHub events;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Set<String> assignedTopics = new HashSet<>();
    private volatile boolean running = true;
    private volatile long polled;

    TopicFollower(ConsoleSettings settings, ConsoleState state, EventHub events) {
        this.settings = settings;
        this.state = state;
        this.events = events;
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "flowpulse-console-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        state.waitingFor(new ArrayList<>(topics()));
        thread = new Thread(this::run, "flowpulse-console-topics");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Records consumed so far (every topic). */
    long polled() {
        return polled;
    }

    private Set<String> topics() {
        ConsoleSettings.Topics t = settings.topics();
        return new LinkedHashSet<>(List.of(t.alerts(), t.anomalies(), t.annotationRequests(), t.labels(), t.models(), t.modelEvents()));
    }

    private void assignMissing() {
        List<TopicPartition> more = new ArrayList<>();
        for (String topic : topics()) {
            if (assignedTopics.contains(topic)) {
                continue;
            }
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                continue;
            }
            if (infos == null || infos.isEmpty()) {
                continue;
            }
            for (PartitionInfo info : infos) {
                more.add(new TopicPartition(topic, info.partition()));
            }
            assignedTopics.add(topic);
        }
        List<String> missing = new ArrayList<>(topics());
        missing.removeAll(assignedTopics);
        state.waitingFor(missing);
        if (!more.isEmpty()) {
            List<TopicPartition> all = new ArrayList<>(consumer.assignment());
            all.addAll(more);
            consumer.assign(all);
            consumer.seekToBeginning(more);
            LOG.info("console follows {}", assignedTopics);
        }
    }

    private void run() {
        long nextLookup = 0;
        try {
            while (running) {
                if (assignedTopics.size() < topics().size() && System.nanoTime() >= nextLookup) {
                    assignMissing();
                    nextLookup = System.nanoTime() + RETRY_MISSING.toNanos();
                }
                if (consumer.assignment().isEmpty()) {
                    Thread.sleep(200);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    dispatch(r);
                    polled++;
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("console topic reader stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void dispatch(ConsumerRecord<byte[], byte[]> r) {
        ConsoleSettings.Topics t = settings.topics();
        String topic = r.topic();
        try {
            if (topic.equals(t.anomalies())) {
                state.onAnomaly(Codecs.ANOMALY_SCORE.decode(r.value()));
                events.portsChanged();
            } else if (topic.equals(t.alerts())) {
                events.alert(state.onAlert(Codecs.ALERT.decode(r.value())));
            } else if (topic.equals(t.annotationRequests())) {
                state.onRequest(Codecs.ANNOTATION_REQUEST.decode(r.value()));
                events.queueChanged();
            } else if (topic.equals(t.labels())) {
                state.onLabel(Codecs.ANNOTATION.decode(r.value()));
                events.queueChanged();
            } else if (topic.equals(t.models())) {
                state.onModel(Codecs.MODEL_UPDATE.decode(r.value()));
                events.modelsChanged();
            } else if (topic.equals(t.modelEvents())) {
                state.onModelEvent(Codecs.MODEL_EVENT.decode(r.value()));
                events.modelsChanged();
            }
        } catch (RecordDecodeException e) {
            state.onUndecodable();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
