package io.flowpulse.bench;

import io.flowpulse.cli.PacketBatcher;
import io.flowpulse.records.FlowPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packets scenario's Kafka input as capture agents write it: the bench input's packets (event
 * time order) in {@code PacketBatch} records of up to {@code batchSize} packets of one partition
 * ({@link PacketBatcher}, the producers' batcher), a batch closed by size or, with an input rate,
 * when its first packet waited {@code linger} on the input's schedule (packet i due at i / rate).
 * Planned and encoded before the clock starts, as the single-record input is (its records are
 * encoded when the input is built), so the two Kafka inputs cost the producer the same: a send per
 * record. The encode rate is measured here and printed beside the run.
 *
 * <p>Options: {@code --packet-batch N} (1 = one PacketEvent per record, the old format),
 * {@code --packet-linger MS} and {@code --packet-span MS} of {@code ./flowpulse bench}, passed as the
 * system properties {@value #BATCH_PROPERTY}, {@value #LINGER_PROPERTY} and {@value #SPAN_PROPERTY}.
 * The span (1 s, as the replayer) is capture time: the bench replays a capture of ~130 packets/s per
 * partition hundreds of times faster, so the span, not the size, closes most batches (about 67
 * packets); a capture agent at line rate fills 512 packets in milliseconds of capture time.
 */
final class KafkaPacketInput {
    static final String BATCH_PROPERTY = "flowpulse.bench.packet-batch";
    static final String LINGER_PROPERTY = "flowpulse.bench.packet-linger-ms";
    static final String SPAN_PROPERTY = "flowpulse.bench.packet-span-ms";

    /** The records in send order. */
    final List<byte[]> values = new ArrayList<>();
    final List<Integer> partitions = new ArrayList<>();
    /** Indexes (into the bench input) of each record's packets. */
    final List<int[]> members = new ArrayList<>();
    /** When each record is due, ns after the input starts (0 at full speed). */
    final List<Long> dueNanos = new ArrayList<>();
    final long[] perPartition;
    final int batchSize;
    final double encodeSeconds;

    static int batchSize() {
        return Integer.getInteger(BATCH_PROPERTY, PacketBatcher.DEFAULT_BATCH_SIZE);
    }

    static Duration linger() {
        return Duration.ofMillis(Long.getLong(LINGER_PROPERTY, PacketBatcher.DEFAULT_LINGER.toMillis()));
    }

    /** Capture-time span of a batch ({@link PacketBatcher#DEFAULT_MAX_SPAN_MICROS} unless set). */
    static Duration span() {
        return Duration.ofMillis(Long.getLong(SPAN_PROPERTY, PacketBatcher.DEFAULT_MAX_SPAN_MICROS / 1000));
    }

    /** Batches {@code packets} (event-time order; {@code partitions[i]}: packet i's partition) as the producers do. */
    KafkaPacketInput(FlowPacket[] packets, int[] partitions, int partitionCount, int batchSize, Duration linger, double rate) {
        this.batchSize = batchSize;
        this.perPartition = new long[partitionCount];
        long[] clock = {0};
        PacketBatcher batcher = new PacketBatcher(partitionCount, batchSize, linger, (partition, key, value, tags, n) -> {
            values.add(value);
            this.partitions.add(partition);
            members.add(Arrays.copyOf(tags, n));
            dueNanos.add(clock[0]);
            perPartition[partition]++;
        }, () -> clock[0]).withMaxSpan(span());
        long t0 = System.nanoTime();
        for (int i = 0; i < packets.length; i++) {
            clock[0] = rate > 0 ? (long) (i * 1e9 / rate) : 0;
            batcher.add(packets[i], partitions[i], null, i);
        }
        batcher.flush();
        encodeSeconds = (System.nanoTime() - t0) / 1e9;
    }

    /** Indexes (into {@link #values}) of each partition's records, in send order (the chain mode's layout). */
    int[][] byPartition() {
        int[][] out = new int[perPartition.length][];
        int[] fill = new int[perPartition.length];
        for (int p = 0; p < out.length; p++) {
            out[p] = new int[(int) perPartition[p]];
        }
        for (int j = 0; j < partitions.size(); j++) {
            int p = partitions.get(j);
            out[p][fill[p]++] = j;
        }
        return out;
    }

    /** A time per record -> the same time for each of its packets (indexes of the bench input). */
    long[] perPacket(long[] perRecord, int packets) {
        long[] out = new long[packets];
        for (int j = 0; j < members.size(); j++) {
            for (int idx : members.get(j)) {
                out[idx] = perRecord[j];
            }
        }
        return out;
    }

    int records() {
        return values.size();
    }

    String describe(int packets) {
        return String.format("       kafka input: %,d PacketBatch records of up to %d packets (%.0f on average), linger %d ms,"
                + " span %d ms of capture time; batching + encoding %,.0f packets/s on one thread (before the clock)",
                records(), batchSize, packets / (double) Math.max(1, records()), linger().toMillis(), span().toMillis(),
                packets / Math.max(1e-9, encodeSeconds));
    }
}
