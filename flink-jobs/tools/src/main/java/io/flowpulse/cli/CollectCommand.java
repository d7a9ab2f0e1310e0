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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse collect --listen udp://127.0.0.1:2055 [--bootstrap-servers HOST:PORT]}: a NetFlow
 * v5/v9/IPFIX collector ({@link NetFlowDecoder}) that writes each flow record to {@code flow-records}
 * (Avro single-object {@code FlowRecord}, keyed by the canonical 5-tuple) and each undecodable
 * datagram to {@code dead-letters} with the reason. Runs until interrupted, or until idle for
 * {@code --exit-when-idle}; prints the decoder's counters (sequence gaps per exporter included).
 */
@Command(name = "collect", description = "NetFlow v5/v9/IPFIX collector: UDP exports -> flow-records (undecodable -> dead-letters)")
public final class CollectCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "udp://HOST:PORT", defaultValue = "udp://127.0.0.1:" + ExportListenAddress.DEFAULT_PORT,
            description = "where exporters send (default ${DEFAULT-VALUE}; udp://0.0.0.0:2055 for all interfaces)")
    String listenAddress;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092", description = "Kafka (default ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "flow-records", description = "flow records topic (default ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--dead-letter-topic", paramLabel = "NAME", defaultValue = "dead-letters",
            description = "undecodable datagrams with the reason (default ${DEFAULT-VALUE})")
    String deadLetterTopic;

    @Option(names = "--template-lifetime", paramLabel = "DURATION", defaultValue = "30m",
            description = "a template not refreshed for this long expires (default ${DEFAULT-VALUE})")
    Duration templateLifetime;

    @Option(names = "--record", paramLabel = "FILE", description = "also write every datagram received to FILE (FPDG1 recording)")
    Path record;

    @Option(names = "--exit-when-idle", paramLabel = "DURATION",
            description = "exit once no datagram came for DURATION after the first (default: run until interrupted)")
    Duration idleExit;

    @Option(names = "--stats-every", paramLabel = "DURATION", defaultValue = "10s",
            description = "print counters every DURATION (default ${DEFAULT-VALUE}; 0s = only at exit)")
    Duration statsEvery;

    @Override
    public Integer call() throws Exception {
        ExportListenAddress listen;
        try {
            listen = ExportListenAddress.parse(listenAddress);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--listen: " + e.getMessage());
        }
        NetFlowDecoder decoder = new NetFlowDecoder(templateLifetime, NetFlowDecoder.DEFAULT_MAX_PENDING_SETS);
        ExportReceiver receiver;
        try {
            receiver = new ExportReceiver(listen, decoder).nonBlocking();
        } catch (BindException e) {
            throw UserError.usage("collect: cannot listen on " + listen + ": " + e.getMessage());
        }
        if (record != null) {
            receiver.recordTo(new DatagramRecording.Writer(record));
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
        try (receiver; KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(PacketReplayProducer.properties(bootstrap))) {
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
