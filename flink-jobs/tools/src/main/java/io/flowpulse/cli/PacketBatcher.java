package io.flowpulse.cli;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/**
 * The producers' side of the packets topic (replay, demo, bench-flows, the bench's Kafka input):
 * collects packets into {@code PacketBatch} records, one open batch per (partition, sourceId), and
 * hands a batch to its {@link Sender} when it holds {@code batchSize} packets or its first packet
 * waited {@code linger} (wall clock), or when its earliest packet falls more than
 * {@link #DEFAULT_MAX_SPAN_MICROS} of capture time behind the newest packet the batcher has seen (so
 * records on a partition, from this batcher or any other producer keeping to the same span, are in
 * capture order within that span, well inside the job's out-of-orderness). The partition of a packet is the one Kafka's default partitioner gives its
 * canonical flow key (what single-record producers key by), so one flow's packets stay on one
 * partition, in order, whether they travel alone or batched; the batch record itself is sent to
 * that partition explicitly, with no key. A batch size of 1 keeps the old format: one
 * {@code PacketEvent} per record, keyed by its flow key.
 *
 * <p>Not thread-safe: one per producing thread.
 */
public final class PacketBatcher {
    /** Default packets per batch: about 15-30 KB per record, under the job's 64 KiB record limit. */
    public static final int DEFAULT_BATCH_SIZE = 512;
    /** Default longest wait of a batch's first packet before the batch is sent. */
    public static final java.time.Duration DEFAULT_LINGER = java.time.Duration.ofMillis(20);

    /**
     * Longest capture-time span of an open batch behind the newest packet this batcher has seen (on
     * any partition). A batch's event time is its earliest packet and it reaches the broker when it
     * closes, so records of one partition (several sourceIds, a quiet partition of this batcher, or
     * other producers keeping up with the capture) may be out of capture order by up to this span: it
     * must stay below the job's {@code event-time.out-of-orderness} (5 s by default) or the batch's
     * packets would be late.
     */
    public static final long DEFAULT_MAX_SPAN_MICROS = 1_000_000L;

    /** Where records go: to {@code partition}, with {@code key} (null for a batch); {@code tags[0, n)} of its packets. */
    public interface Sender {
        void send(int partition, byte[] key, byte[] value, int[] tags, int n);
    }

    private static final class Pending {
        final int partition;
        final String sourceId;
        final List<FlowPacket> packets = new ArrayList<>();
        int[] tags = new int[64];
        long firstNanos;
        long minMicros;

        Pending(int partition, String sourceId) {
            this.partition = partition;
            this.sourceId = sourceId;
        }
    }

    private final int partitions;
    private final int batchSize;
    private final long lingerNanos;
    private final Sender sender;
    private final PacketBatchCodec codec = new PacketBatchCodec();
    /** Open batches of each partition (usually one: one sourceId). */
    private final List<List<Pending>> open = new ArrayList<>();
    private int openCount;
    private long oldestNanos = Long.MAX_VALUE;
    /** The newest capture time added, and (a lower bound of) the earliest packet of the open batches. */
    private long newestMicros = Long.MIN_VALUE;
    private long oldestMinMicros = Long.MAX_VALUE;
    private long maxSpanMicros = DEFAULT_MAX_SPAN_MICROS;
    private long records;
    private long packets;

    private final java.util.function.LongSupplier nanoClock;

    public PacketBatcher(int partitions, int batchSize, java.time.Duration linger, Sender sender) {
        this(partitions, batchSize, linger, sender, System::nanoTime);
    }

    /** With the clock the linger is measured on (the bench plans its batches on the input's schedule). */
    public PacketBatcher(int partitions, int batchSize, java.time.Duration linger, Sender sender,
            java.util.function.LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        if (partitions < 1 || batchSize < 1) {
            throw new IllegalArgumentException("partitions and batch size must be >= 1");
        }
        this.partitions = partitions;
        this.batchSize = batchSize;
        this.lingerNanos = linger.toNanos();
        this.sender = sender;
        for (int p = 0; p < partitions; p++) {
            open.add(new ArrayList<>(1));
        }
    }

    /** See {@link #DEFAULT_MAX_SPAN_MICROS}. */
    public PacketBatcher withMaxSpan(java.time.Duration span) {
        this.maxSpanMicros = span.toNanos() / 1000;
        return this;
    }

    /** The canonical flow key of a packet (FlowKeySelector's), the single-record producers' record key. */
    public static byte[] flowKey(FlowPacket p) {
        return FlowKeySelector.canonicalKey(ByteBuffer.wrap(p.srcIp()), p.srcPort, ByteBuffer.wrap(p.dstIp()), p.dstPort,
                p.protocol).getBytes(StandardCharsets.UTF_8);
    }

    /** The partition Kafka's default partitioner picks for a record with this key (murmur2). */
    public static int partitionOf(byte[] key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key, partitions);
    }

    /** Adds a packet to its flow key's partition. */
    public void add(FlowPacket p) {
        byte[] key = flowKey(p);
        add(p, partitionOf(key, partitions), key, 0);
    }

    /**
     * Adds a packet whose flow key and partition the caller knows; {@code tag} comes back in
     * {@link Sender#send} (e.g. the packet's index, to note when it was sent).
     */
    public void add(FlowPacket p, int partition, byte[] key, int tag) {
        packets++;
        if (batchSize == 1) {
            records++;
            sender.send(partition, key, Codecs.PACKET_EVENT.encode(p.toPacketEvent()), new int[] {tag}, 1);
            return;
        }
        List<Pending> ofPartition = open.get(partition);
        Pending b = null;
        for (Pending x : ofPartition) {
            if (Objects.equals(x.sourceId, p.sourceId)) {
                b = x;
                break;
            }
        }
        long now = lingerNanos > 0 ? nanoClock.getAsLong() : 0;
        if (b == null) {
            b = new Pending(partition, p.sourceId);
            ofPartition.add(b);
        }
        if (p.timestampMicros > newestMicros) {
            newestMicros = p.timestampMicros;
            if (openCount > 0 && oldestMinMicros < newestMicros - maxSpanMicros) {
                closeBehindSpan(); // b too, when it fell behind
            }
        }
        if (b.packets.isEmpty()) {
            b.firstNanos = now;
            b.minMicros = p.timestampMicros;
            oldestNanos = Math.min(oldestNanos, now);
            openCount++;
        }
        b.minMicros = Math.min(b.minMicros, p.timestampMicros);
        oldestMinMicros = Math.min(oldestMinMicros, b.minMicros);
        if (b.packets.size() == b.tags.length) {
            b.tags = java.util.Arrays.copyOf(b.tags, b.tags.length * 2);
        }
        b.tags[b.packets.size()] = tag;
        b.packets.add(p);
        if (b.packets.size() >= batchSize) {
            send(b);
        }
        if (lingerNanos > 0 && now - oldestNanos >= lingerNanos) {
            flushOlderThan(now - lingerNanos);
        }
    }

    /** Sends every open batch whose earliest packet is more than the span behind the newest packet. */
    private void closeBehindSpan() {
        long oldest = Long.MAX_VALUE;
        for (List<Pending> ofPartition : open) {
            for (Pending x : ofPartition) {
                if (!x.packets.isEmpty()) {
                    if (x.minMicros < newestMicros - maxSpanMicros) {
                        send(x);
                    } else {
                        oldest = Math.min(oldest, x.minMicros);
                    }
                }
            }
        }
        oldestMinMicros = oldest;
    }

    /** Sends the batches whose first packet waited the linger time (call when the input pauses). */
    public void flushDue() {
        if (openCount > 0) {
            flushOlderThan(nanoClock.getAsLong() - lingerNanos);
        }
    }

    /** Sends every open batch. */
    public void flush() {
        flushOlderThan(Long.MAX_VALUE);
    }

    private void flushOlderThan(long nanos) {
        long oldest = Long.MAX_VALUE;
        for (List<Pending> ofPartition : open) {
            for (Pending b : ofPartition) {
                if (!b.packets.isEmpty()) {
                    if (b.firstNanos <= nanos) {
                        send(b);
                    } else {
                        oldest = Math.min(oldest, b.firstNanos);
                    }
                }
            }
        }
        oldestNanos = oldest;
    }

    private void send(Pending b) {
        byte[] value = codec.encodeBatch(b.sourceId, b.packets);
        sender.send(b.partition, null, value, b.tags, b.packets.size());
        records++;
        openCount--;
        b.packets.clear();
    }

    /** Records handed to the sender so far. */
    public long records() {
        return records;
    }

    /** Packets added so far. */
    public long packets() {
        return packets;
    }

    public int partitions() {
        return partitions;
    }
}
