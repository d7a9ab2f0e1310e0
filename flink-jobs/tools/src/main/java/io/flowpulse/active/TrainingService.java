package io.flowpulse.active;

import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.active.ActiveTrainer;
import io.flowpulse.ml.active.LabelledDatasetStore;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.codec.RecordDecodeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The training service of the active-learning loop (run by {@code ./flowpulse trainer}, and by the
 * experiment): consumes {@code labels} into an {@link ActiveTrainer} (labelled dataset store),
 * retrains after N new labels or on a schedule, and sends a new signed version to {@code models}
 * only when it beats the serving model on the held-out set; otherwise it says why.
 *
 * <p>Restart-safe: after every batch of labels the store goes to {@code store.avro} and the
 * consumed offsets of the labels topic to {@code labels.offsets} in the state directory (each
 * written to a temporary file and moved); on start the service resumes from both, and takes the
 * newest version of the model on the models topic as the champion.
 */
public final class TrainingService implements AutoCloseable {
    private final ActiveTrainer trainer;
    private final String modelsTopic;
    private final Path stateDir;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicWriter writer;
    private final List<String> log = new ArrayList<>();
    private long consumed;
    private long undecodable;

    public TrainingService(String bootstrap, String labelsTopic, String modelsTopic, ActiveTrainer trainer, Path stateDir)
            throws IOException {
        this.trainer = trainer;
        this.modelsTopic = modelsTopic;
        this.stateDir = stateDir;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "flowpulse-trainer-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(labelsTopic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(labelsTopic, info.partition()));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<Integer, Long> saved = stateDir == null ? Map.of() : loadOffsets(stateDir.resolve("labels.offsets"));
        for (TopicPartition tp : parts) {
            if (saved.containsKey(tp.partition())) {
                consumer.seek(tp, saved.get(tp.partition()));
            }
        }
        this.writer = modelWriter(bootstrap);
        ModelUpdate current = currentModel(bootstrap, modelsTopic, trainer.modelId());
        if (current != null) {
            trainer.champion(current);
        }
    }

    /** A producer for model updates: a forest is easily over Kafka's default 1 MB request size. */
    public static TopicWriter modelWriter(String bootstrap) {
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                String.valueOf(io.flowpulse.local.EmbeddedKafkaCluster.MODEL_RECORD_MAX_BYTES));
        return new TopicWriter(bootstrap, p);
    }

    /** The store of a state directory if it has one, else a new one seeded by {@code seeder}. */
    public static LabelledDatasetStore storeIn(Path stateDir, int maxSize, long seed, java.util.function.Consumer<LabelledDatasetStore> seeder)
            throws IOException {
        Path file = stateDir == null ? null : stateDir.resolve("store.avro");
        if (file != null && Files.exists(file)) {
            return LabelledDatasetStore.load(file, maxSize, seed);
        }
        LabelledDatasetStore s = new LabelledDatasetStore(maxSize, seed);
        seeder.accept(s);
        return s;
    }

    /** The newest version of {@code modelId} on the models topic, or null (also when modelId is null). */
    public static ModelUpdate currentModel(String bootstrap, String topic, String modelId) {
        if (modelId == null) {
            return null;
        }
        ModelUpdate best = null;
        try (TopicReader<ModelUpdate> r = new TopicReader<>(bootstrap, topic, Codecs.MODEL_UPDATE)) {
            r.drainToEnd(Duration.ofSeconds(30));
            for (ModelUpdate u : r.records()) {
                if (u.getModelId().equals(modelId) && (best == null || u.getVersion() > best.getVersion())) {
                    best = u;
                }
            }
        }
        return best;
    }

    /** Polls once; new labels go into the store, which is then persisted with the offsets. Returns the labels taken. */
    public int poll(Duration timeout) throws IOException {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            try {
                trainer.offer(Codecs.ANNOTATION.decode(r.value()));
                n++;
            } catch (RecordDecodeException e) {
                undecodable++;
            }
        }
        consumed += n;
        if (n > 0) {
            persist();
        }
        return n;
    }

    /** Polls until {@code labels} new labels were taken or the deadline passes; returns how many. */
    public int pollFor(int labels, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        int n = 0;
        while (n < labels && System.nanoTime() < end) {
            n += poll(Duration.ofMillis(200));
        }
        return n;
    }

    /** Retrains when due; publishes the challenger if it is better. Null when not due. */
    public ActiveTrainer.Outcome retrainIfDue(long nowMillis) {
        return trainer.due(nowMillis) ? retrainNow(nowMillis) : null;
    }

    /** Retrains now; publishes the challenger if it is better. */
    public ActiveTrainer.Outcome retrainNow(long nowMillis) {
        ActiveTrainer.Outcome o = trainer.retrain(nowMillis);
        if (o.published != null) {
            writer.send(modelsTopic, o.published.getModelId(), o.published.getCreatedMillis(), Codecs.MODEL_UPDATE, o.published);
            writer.flush();
        }
        log.add(o.toString());
        return o;
    }

    public ActiveTrainer trainer() {
        return trainer;
    }

    public long consumed() {
        return consumed;
    }

    public long undecodable() {
        return undecodable;
    }

    /** One line per retraining: what happened and why. */
    public List<String> log() {
        return log;
    }

    private void persist() throws IOException {
        if (stateDir == null) {
            return;
        }
        Files.createDirectories(stateDir);
        trainer.store().save(stateDir.resolve("store.avro"));
        StringBuilder sb = new StringBuilder();
        for (TopicPartition tp : consumer.assignment()) {
            sb.append(tp.partition()).append('=').append(consumer.position(tp)).append('\n');
        }
        Path tmp = stateDir.resolve("labels.offsets.tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, stateDir.resolve("labels.offsets"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Map<Integer, Long> loadOffsets(Path file) throws IOException {
        Map<Integer, Long> m = new HashMap<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (line.contains("=")) {
                    m.put(Integer.parseInt(line.substring(0, line.indexOf('='))), Long.parseLong(line.substring(line.indexOf('=') + 1)));
                }
            }
        }
        return m;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        writer.close();
    }
}
