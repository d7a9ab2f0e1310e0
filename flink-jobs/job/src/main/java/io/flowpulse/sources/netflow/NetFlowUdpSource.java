package io.flowpulse.sources.netflow;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.Codecs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The job's own NetFlow/IPFIX collector ({@code flow-records.source: udp://HOST:PORT}): one split, the
 * listen address, read by one reader, which decodes datagrams with a {@link NetFlowDecoder} and emits
 * each flow record as a {@link RawRecord} (Avro single-object {@code FlowRecord}, the same bytes the
 * Kafka topic carries), so the rest of the flow-records path is unchanged. An undecodable datagram is
 * emitted with {@link RawRecord#sourceError} set and becomes a dead letter with the reason.
 *
 * <p>UDP has no replay: what arrives while the job restarts is lost (the exporter's sequence numbers
 * show it as a gap), and templates are learnt again from the exporter's periodic refresh. For
 * exactly-once input run {@code ./flowpulse collect} into Kafka instead.
 */
public final class NetFlowUdpSource implements Source<RawRecord, NetFlowUdpSource.ListenSplit, Boolean> {
    private static final long serialVersionUID = 1L;

    private final String listen;
    private final Duration templateLifetime;

    public NetFlowUdpSource(ExportListenAddress listen, Duration templateLifetime) {
        this.listen = listen.toString();
        this.templateLifetime = templateLifetime;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<RawRecord, ListenSplit> createReader(SourceReaderContext context) {
        return new Reader(templateLifetime);
    }

    @Override
    public SplitEnumerator<ListenSplit, Boolean> createEnumerator(SplitEnumeratorContext<ListenSplit> context) {
        return new Enumerator(context, listen, false);
    }

    @Override
    public SplitEnumerator<ListenSplit, Boolean> restoreEnumerator(SplitEnumeratorContext<ListenSplit> context, Boolean assigned) {
        // a restored reader brings its split back with its own state; otherwise assign it again
        return new Enumerator(context, listen, false);
    }

    @Override
    public SimpleVersionedSerializer<ListenSplit> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Boolean> getEnumeratorCheckpointSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Boolean b) {
                return new byte[] {(byte) (Boolean.TRUE.equals(b) ? 1 : 0)};
            }

            @Override
            public Boolean deserialize(int version, byte[] bytes) {
                return bytes.length > 0 && bytes[0] == 1;
            }
        };
    }

    /** The one split: a listen address. */
    public record ListenSplit(String listen) implements SourceSplit {
        @Override
        public String splitId() {
            return listen;
        }
    }

    static final class SplitSerializer implements SimpleVersionedSerializer<ListenSplit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(ListenSplit s) {
            return s.listen().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ListenSplit deserialize(int version, byte[] bytes) {
            return new ListenSplit(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    /** Gives the split to the first reader that registers, and again to one whose reader failed. */
    static final class Enumerator implements SplitEnumerator<ListenSplit, Boolean> {
        private final SplitEnumeratorContext<ListenSplit> context;
        private final String listen;
        private boolean assigned;

        Enumerator(SplitEnumeratorContext<ListenSplit> context, String listen, boolean assigned) {
            this.context = context;
            this.listen = listen;
            this.assigned = assigned;
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {}

        @Override
        public void addSplitsBack(List<ListenSplit> splits, int subtaskId) {
            assigned = false;
            if (context.registeredReaders().containsKey(subtaskId)) {
                addReader(subtaskId);
            }
        }

        @Override
        public void addReader(int subtaskId) {
            if (!assigned) {
                context.assignSplit(new ListenSplit(listen), subtaskId);
                assigned = true;
            }
        }

        @Override
        public Boolean snapshotState(long checkpointId) {
            return assigned;
        }

        @Override
        public void close() {}
    }

    /** Receives on a thread of its own; {@link #pollNext} hands over what it decoded. */
    static final class Reader implements SourceReader<RawRecord, ListenSplit> {
        private static final int MAX_QUEUED = 100_000;
        private final Duration templateLifetime;
        private final ArrayDeque<RawRecord> queue = new ArrayDeque<>();
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private ListenSplit split;
        private ExportReceiver receiver;
        private Thread thread;
        private volatile boolean closing;
        private long offset;

        Reader(Duration templateLifetime) {
            this.templateLifetime = templateLifetime;
        }

        @Override
        public void start() {}

        @Override
        public synchronized InputStatus pollNext(ReaderOutput<RawRecord> output) {
            RawRecord r = queue.pollFirst();
            if (r == null) {
                if (available.isDone()) {
                    available = new CompletableFuture<>();
                }
                notifyAll(); // the receiver may wait for room
                return InputStatus.NOTHING_AVAILABLE;
            }
            output.collect(r);
            return queue.isEmpty() ? InputStatus.NOTHING_AVAILABLE : InputStatus.MORE_AVAILABLE;
        }

        @Override
        public synchronized CompletableFuture<Void> isAvailable() {
            if (!queue.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            if (available.isDone()) {
                available = new CompletableFuture<>();
            }
            return available;
        }

        private synchronized void enqueue(RawRecord r) throws InterruptedException {
            while (queue.size() >= MAX_QUEUED && !closing) {
                wait(100);
            }
            queue.addLast(r);
            available.complete(null);
        }

        @Override
        public List<ListenSplit> snapshotState(long checkpointId) {
            return split == null ? List.of() : List.of(split);
        }

        @Override
        public void addSplits(List<ListenSplit> splits) {
            if (splits.isEmpty() || split != null) {
                return;
            }
            split = splits.get(0);
            try {
                receiver = new ExportReceiver(ExportListenAddress.parse(split.listen()),
                        new NetFlowDecoder(templateLifetime, NetFlowDecoder.DEFAULT_MAX_PENDING_SETS));
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen on " + split.listen() + ": " + e.getMessage(), e);
            }
            ExportReceiver.Handler handler = new ExportReceiver.Handler() {
                @Override
                public void records(List<FlowRecord> records) throws InterruptedException {
                    long now = System.currentTimeMillis();
                    for (FlowRecord r : records) {
                        enqueue(new RawRecord(split.listen(), 0, offset++, now, Codecs.FLOW_RECORD.encode(r)));
                    }
                }

                @Override
                public void deadLetter(DeadLetter d) throws InterruptedException {
                    byte[] raw = new byte[d.getRaw().remaining()];
                    d.getRaw().duplicate().get(raw);
                    RawRecord r = new RawRecord(split.listen(), 0, offset++, d.getKafkaTimestamp(), raw);
                    r.sourceError = d.getReason();
                    enqueue(r);
                }
            };
            thread = new Thread(() -> {
                try {
                    while (!closing) {
                        receiver.receiveOne(handler, System.currentTimeMillis());
                    }
                } catch (Exception e) {
                    if (!closing) {
                        throw new IllegalStateException("NetFlow receiver on " + split.listen() + " failed", e);
                    }
                }
            }, "netflow-udp-" + split.listen());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void close() throws Exception {
            closing = true;
            if (receiver != null) {
                receiver.close(); // unblocks the receive
            }
            if (thread != null) {
                thread.join(5_000);
            }
        }

        /** For tests: the decoder's counters (null before the split arrived). */
        CollectorStats stats() {
            return receiver == null ? null : receiver.decoder().stats();
        }

    }
}
