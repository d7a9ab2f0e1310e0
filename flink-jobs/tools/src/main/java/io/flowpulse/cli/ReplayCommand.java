package io.flowpulse.cli;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.PcapReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./flowpulse replay --pcap FILE [--speed N|--max] [--batch-size N] [--linger MS] --topic packets --bootstrap-servers HOST:PORT}:
 * publishes a capture's packets with a plain KafkaProducer as {@code PacketBatch} records
 * ({@link PacketBatcher}: up to {@code --batch-size} packets of one partition per record, sent at the
 * latest {@code --linger} after their first packet), or with {@code --batch-size 1} as one
 * {@code PacketEvent} per record keyed by the {@link FlowKeySelector} key (UTF-8). Either way a
 * packet goes to the partition of its flow key. The capture's timing is scaled by {@code --speed}
 * (1 = original timing) or ignored ({@code --max}).
 */
@Command(name = "replay", description = {"publish a pcap's packets to Kafka, batched (original timing, --speed N or --max)",
        "Value = PacketBatch (up to --batch-size packets of one partition; 1 = one PacketEvent per record, key = flow key),"
                + " partition = the flow key's; Kafka record time = producer time (capture time is in the record)."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "capture (pcap or pcapng, optionally .gz)")
    Path pcapFile;

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = "packets", description = "default ${DEFAULT-VALUE}")
    String topic;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092", description = "default ${DEFAULT-VALUE}")
    String bootstrap;

    @Option(names = "--header-bytes", paramLabel = "N", defaultValue = "0",
            description = "send each packet's IP header and first N transport bytes in headerBytes (for the job's"
                    + " flows.first-bytes.*; default ${DEFAULT-VALUE} = none)")
    int headerBytes;

    /** Pace: the capture's timing scaled, or as fast as possible. */
    static final class Pace {
        @Option(names = "--speed", paramLabel = "N", description = "capture timing scaled by N (1 = original; default)")
        Double speed;

        @Option(names = "--max", description = "as fast as possible")
        boolean max;
    }

    @ArgGroup(exclusive = true)
    Pace pace;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + PacketBatcher.DEFAULT_BATCH_SIZE,
            description = "packets per PacketBatch record (1 = one PacketEvent per record, the old format); default ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--linger", paramLabel = "MS", defaultValue = "20",
            description = "longest wait of a batch's first packet before the batch is sent, ms; default ${DEFAULT-VALUE}")
    long lingerMillis;

    @Override
    public Integer call() throws Exception {
        double speed = pace == null ? 1.0 : pace.max ? Double.POSITIVE_INFINITY : pace.speed;
        if (!(speed > 0)) {
            throw UserError.usage("--speed must be positive, got " + speed);
        }
        if (batchSize < 1 || lingerMillis < 0) {
            throw UserError.usage("--batch-size must be >= 1 and --linger >= 0, got " + batchSize + " and " + lingerMillis);
        }
        InputFiles.capture(pcapFile, "--pcap");
        String pcap = pcapFile.toString();
        Properties props = PacketReplayProducer.properties(bootstrap);
        DecodeStats stats = new DecodeStats();
        if (headerBytes < 0 || headerBytes > 1500) {
            throw UserError.usage("--header-bytes 0..1500");
        }
        PacketDecoder decoder = new PacketDecoder(stats, Path.of(pcap).getFileName().toString()).keepTransportBytes(headerBytes);
        long sent = 0;
        long wallStart = System.nanoTime();
        long firstMicros = Long.MIN_VALUE;
        long records;
        try (PcapReader reader = PcapReader.open(Path.of(pcap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            int partitions = producer.partitionsFor(topic).size();
            // Kafka timestamp = now (producer time): capture time as the record timestamp would let
            // time-based retention delete a replay of an old capture as soon as it is written
            PacketBatcher batcher = new PacketBatcher(partitions, batchSize, Duration.ofMillis(lingerMillis),
                    (partition, key, value, tags, n) -> producer.send(new ProducerRecord<>(topic, partition, null, key, value)));
            for (PcapFrame f = reader.next(); f != null; f = reader.next()) {
                FlowPacket p = decoder.decodePacket(f);
                if (p == null) {
                    continue;
                }
                if (firstMicros == Long.MIN_VALUE) {
                    firstMicros = p.timestampMicros;
                }
                if (!Double.isInfinite(speed)) {
                    pace(wallStart, (p.timestampMicros - firstMicros) / speed, batcher);
                }
                batcher.add(p);
                sent++;
            }
            batcher.flush();
            records = batcher.records();
            producer.flush();
        }
        double seconds = (System.nanoTime() - wallStart) / 1e9;
        System.out.printf("replayed %,d packets in %,d records from %s to %s/%s in %.1f s (%,.0f packets/s); skipped %s%n",
                sent, records, pcap, bootstrap, topic, seconds, sent / Math.max(seconds, 1e-9), stats.skipped);
        return 0;
    }

    /** Waits until {@code offsetMicros} of wall time have passed since {@code wallStartNanos}, sending batches that lingered. */
    private static void pace(long wallStartNanos, double offsetMicros, PacketBatcher batcher) throws InterruptedException {
        long dueNanos = wallStartNanos + (long) (offsetMicros * 1000);
        for (long waitNanos = dueNanos - System.nanoTime(); waitNanos > 1_000_000; waitNanos = dueNanos - System.nanoTime()) {
            long slice = Math.min(waitNanos, 5_000_000L);
            Thread.sleep(slice / 1_000_000, (int) (slice % 1_000_000));
            batcher.flushDue();
        }
    }
}
