package io.flowpulse.cli;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PacketDecoder;
import io.flowpulse.sources.pcap.PcapFrame;
import io.flowpulse.sources.pcap.PcapReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./flowpulse replay --pcap FILE [--speed N|--max] --topic packets --bootstrap-servers HOST:PORT}:
 * publishes a capture's packets as {@code Codecs.PACKET_EVENT} records with a plain KafkaProducer,
 * keyed by the {@link FlowKeySelector} key (UTF-8), with the capture's timing scaled by {@code --speed}
 * (1 = original timing) or as fast as possible ({@code --max}).
 */
@Command(name = "replay", description = {"publish a pcap's packets to Kafka as PacketEvents (original timing, --speed N or --max)",
        "Key = flow key (FlowKeySelector, UTF-8), value = Codecs.PACKET_EVENT, Kafka record time = producer time "
                + "(capture time is in the record)."})
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

    @Override
    public Integer call() throws Exception {
        double speed = pace == null ? 1.0 : pace.max ? Double.POSITIVE_INFINITY : pace.speed;
        if (!(speed > 0)) {
            throw UserError.usage("--speed must be positive, got " + speed);
        }
        InputFiles.capture(pcapFile, "--pcap");
        String pcap = pcapFile.toString();
        Properties props = PacketReplayProducer.properties(bootstrap);
        DecodeStats stats = new DecodeStats();
        if (headerBytes < 0 || headerBytes > 1500) {
            throw UserError.usage("--header-bytes 0..1500");
        }
        PacketDecoder decoder = new PacketDecoder(stats, Path.of(pcap).getFileName().toString()).keepTransportBytes(headerBytes);
        FlowKeySelector keys = new FlowKeySelector();
        long sent = 0;
        long wallStart = System.nanoTime();
        long firstMicros = Long.MIN_VALUE;
        try (PcapReader reader = PcapReader.open(Path.of(pcap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (PcapFrame f = reader.next(); f != null; f = reader.next()) {
                PacketEvent p = decoder.decode(f);
                if (p == null) {
                    continue;
                }
                if (firstMicros == Long.MIN_VALUE) {
                    firstMicros = p.getTimestampMicros();
                }
                if (!Double.isInfinite(speed)) {
                    pace(wallStart, (p.getTimestampMicros() - firstMicros) / speed);
                }
                // Kafka timestamp = now (producer time): capture time as the record timestamp would let
                // time-based retention delete a replay of an old capture as soon as it is written
                producer.send(new ProducerRecord<>(topic, null, null,
                        keys.getKey(p).getBytes(StandardCharsets.UTF_8), Codecs.PACKET_EVENT.encode(p)));
                sent++;
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - wallStart) / 1e9;
        System.out.printf("replayed %,d packets from %s to %s/%s in %.1f s (%,.0f packets/s); skipped %s%n",
                sent, pcap, bootstrap, topic, seconds, sent / Math.max(seconds, 1e-9), stats.skipped);
        return 0;
    }

    /** Waits until {@code offsetMicros} of wall time have passed since {@code wallStartNanos}. */
    private static void pace(long wallStartNanos, double offsetMicros) throws InterruptedException {
        long dueNanos = wallStartNanos + (long) (offsetMicros * 1000);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 1_000_000) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
