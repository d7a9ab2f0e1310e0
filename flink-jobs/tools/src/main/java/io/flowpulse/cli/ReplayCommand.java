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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./flowpulse replay --pcap FILE [--speed N|--max] --topic packets --bootstrap-servers HOST:PORT}:
 * publishes a capture's packets as {@code Codecs.PACKET_EVENT} records with a plain KafkaProducer,
 * keyed by the {@link FlowKeySelector} key (UTF-8), with the capture's timing scaled by {@code --speed}
 * (1 = original timing) or as fast as possible ({@code --max}).
 */
public final class ReplayCommand implements Command {
    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "publish a pcap's packets to Kafka as PacketEvents (original timing, --speed N or --max)";
    }

    @Override
    public int run(String[] args) throws Exception {
        String pcap = null;
        String topic = "packets";
        String bootstrap = "localhost:9092";
        double speed = 1.0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage();
                return 0;
            }
            if (a.equals("--max")) {
                speed = Double.POSITIVE_INFINITY;
                continue;
            }
            if (i + 1 >= args.length) {
                usage();
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--pcap" -> pcap = v;
                case "--topic" -> topic = v;
                case "--bootstrap-servers" -> bootstrap = v;
                case "--speed" -> speed = Double.parseDouble(v);
                default -> {
                    System.err.println("unknown option " + a);
                    usage();
                    return 2;
                }
            }
        }
        if (pcap == null || !(speed > 0)) {
            usage();
            return 2;
        }
        Properties props = producerProperties(bootstrap);
        DecodeStats stats = new DecodeStats();
        PacketDecoder decoder = new PacketDecoder(stats, Path.of(pcap).getFileName().toString());
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

    /** The replayer's producer settings (byte[] key and value, batched, lz4). */
    static Properties producerProperties(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000"); // fail fast when the broker is unreachable
        return props;
    }

    /** Waits until {@code offsetMicros} of wall time have passed since {@code wallStartNanos}. */
    private static void pace(long wallStartNanos, double offsetMicros) throws InterruptedException {
        long dueNanos = wallStartNanos + (long) (offsetMicros * 1000);
        long waitNanos = dueNanos - System.nanoTime();
        if (waitNanos > 1_000_000) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    private static void usage() {
        System.err.println("usage: ./flowpulse replay --pcap FILE [--speed N | --max] [--topic packets]"
                + " [--bootstrap-servers HOST:PORT]\n"
                + "  key = flow key (FlowKeySelector, UTF-8), value = Codecs.PACKET_EVENT, Kafka record time = producer time (capture time is in the record)");
    }
}
