package io.flowpulse.cli;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sources.netflow.DatagramRecording;
import io.flowpulse.sources.netflow.ExportListenAddress;
import io.flowpulse.sources.netflow.ExportReceiver;
import io.flowpulse.sources.netflow.NetFlowDecoder;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./flowpulse collect --listen udp://127.0.0.1:2055 [--bootstrap-servers HOST:PORT]}: a NetFlow
 * v5/v9/IPFIX collector ({@link NetFlowDecoder}) that writes each flow record to {@code flow-records}
 * (Avro single-object {@code FlowRecord}, keyed by the canonical 5-tuple) and each undecodable
 * datagram to {@code dead-letters} with the reason. Runs until interrupted, or until idle for
 * {@code --exit-when-idle}; prints the decoder's counters (sequence gaps per exporter included).
 */
public final class CollectCommand implements Command {
    @Override
    public String name() {
        return "collect";
    }

    @Override
    public String summary() {
        return "NetFlow v5/v9/IPFIX collector: UDP exports -> flow-records (undecodable -> dead-letters)";
    }

    private static void usage() {
        System.out.print("""
                usage: ./flowpulse collect [--listen udp://HOST:PORT] [--bootstrap-servers HOST:PORT] [options]
                  --listen udp://HOST:PORT     where exporters send (default udp://127.0.0.1:2055; udp://0.0.0.0:2055 for all interfaces)
                  --bootstrap-servers H:P      Kafka (default localhost:9092)
                  --topic NAME                 flow records topic (default flow-records)
                  --dead-letter-topic NAME     undecodable datagrams with the reason (default dead-letters)
                  --template-lifetime DUR      a template not refreshed for this long expires (default 30m)
                  --record FILE                also write every datagram received to FILE (FPDG1 recording)
                  --exit-when-idle DUR         exit once no datagram came for DUR after the first (default: run until interrupted)
                  --stats-every DUR            print counters every DUR (default 10s; 0 = only at exit)
                """);
    }

    @Override
    public int run(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            usage();
            return 0;
        }
        CliArgs a = CliArgs.parse(args, Set.of("listen", "bootstrap-servers", "topic", "dead-letter-topic", "template-lifetime",
                "record", "exit-when-idle", "stats-every"), Set.of());
        ExportListenAddress listen;
        try {
            listen = ExportListenAddress.parse(a.get("listen", "udp://127.0.0.1:" + ExportListenAddress.DEFAULT_PORT));
        } catch (IllegalArgumentException e) {
            throw new CliArgs.UsageException(e.getMessage());
        }
        String topic = a.get("topic", "flow-records");
        String deadLetterTopic = a.get("dead-letter-topic", "dead-letters");
        String bootstrap = a.get("bootstrap-servers", "localhost:9092");
        Duration idleExit = a.getDuration("exit-when-idle", null);
        Duration statsEvery = a.getDuration("stats-every", Duration.ofSeconds(10));
        NetFlowDecoder decoder = new NetFlowDecoder(a.getDuration("template-lifetime", NetFlowDecoder.DEFAULT_TEMPLATE_LIFETIME),
                NetFlowDecoder.DEFAULT_MAX_PENDING_SETS);
        ExportReceiver receiver;
        try {
            receiver = new ExportReceiver(listen, decoder).nonBlocking();
        } catch (BindException e) {
            System.err.println("collect: cannot listen on " + listen + ": " + e.getMessage());
            return 2;
        }
        if (a.has("record")) {
            receiver.recordTo(new DatagramRecording.Writer(Path.of(a.get("record", null))));
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            main.interrupt();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "collect-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.err.printf("collect: listening on %s (port %d), writing to %s/%s, dead letters to %s%n",
                listen, receiver.port(), bootstrap, topic, deadLetterTopic);
        long start = System.nanoTime();
        try (receiver; KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ReplayCommand.producerProperties(bootstrap))) {
            ExportReceiver.Handler handler = new ExportReceiver.Handler() {
                @Override
                public void records(List<FlowRecord> records) {
                    for (FlowRecord r : records) {
                        producer.send(new ProducerRecord<>(topic, null, null,
                                FlowKeySelector.canonicalKey(r.getKey()).getBytes(StandardCharsets.UTF_8), Codecs.FLOW_RECORD.encode(r)));
                    }
                }

                @Override
                public void deadLetter(DeadLetter d) {
                    producer.send(new ProducerRecord<>(deadLetterTopic, d.getTopic().getBytes(StandardCharsets.UTF_8),
                            Codecs.DEAD_LETTER.encode(d)));
                }
            };
            try {
                long lastDatagram = System.nanoTime();
                long nextStats = System.nanoTime() + statsEvery.toNanos();
                while (!Thread.currentThread().isInterrupted()) {
                    boolean any = false;
                    while (receiver.receiveOne(handler, System.currentTimeMillis())) {
                        any = true;
                    }
                    long now = System.nanoTime();
                    if (any) {
                        lastDatagram = now;
                    } else if (idleExit != null && receiver.datagrams() > 0 && now - lastDatagram > idleExit.toNanos()) {
                        break;
                    }
                    if (!statsEvery.isZero() && now > nextStats) {
                        System.err.println("collect: " + decoder.stats());
                        nextStats = now + statsEvery.toNanos();
                    }
                    receiver.await(100);
                }
            } catch (java.nio.channels.ClosedByInterruptException interrupted) {
                // Ctrl-C: the shutdown hook interrupted the receive; flush what was decoded
            }
            Thread.interrupted(); // the flush below must not see the interrupt
            producer.flush();
        } finally {
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("collect: %s in %.1f s%n", decoder.stats(), seconds);
            done.countDown();
            if (idleExit != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting already
                }
            }
        }
        return 0;
    }
}
