package io.flowpulse.sources.netflow;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowRecord;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

/**
 * Receives export datagrams on a UDP socket and decodes them with one {@link NetFlowDecoder}:
 * records and dead letters (undecodable datagrams with the reason) go to a {@link Handler}. Used by
 * {@code ./flowpulse collect} (to Kafka) and by {@link NetFlowUdpSource} (into the job). One thread.
 */
public final class ExportReceiver implements Closeable {
    /** Where decoded records and undecodable datagrams go. */
    public interface Handler {
        void records(List<FlowRecord> records) throws Exception;

        void deadLetter(DeadLetter deadLetter) throws Exception;
    }

    private final ExportListenAddress listen;
    private final DatagramChannel channel;
    private final NetFlowDecoder decoder;
    private final ByteBuffer buffer = ByteBuffer.allocate(65536);
    private DatagramRecording.Writer recording;
    private long datagrams;
    private java.nio.channels.Selector selector;

    public ExportReceiver(ExportListenAddress listen, NetFlowDecoder decoder) throws IOException {
        this.listen = listen;
        this.decoder = decoder;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 16 << 20);
        channel.bind(listen.socketAddress());
    }

    /** Also writes every received datagram to {@code recording} (closed with this receiver). */
    public ExportReceiver recordTo(DatagramRecording.Writer recording) {
        this.recording = recording;
        return this;
    }

    /** The bound port (the listen port, or the one chosen for port 0). */
    public int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    public NetFlowDecoder decoder() {
        return decoder;
    }

    /**
     * Receives and handles one datagram. Blocking (the default) waits for one; after
     * {@link #nonBlocking()} it returns false at once when none is there.
     */
    public boolean receiveOne(Handler handler, long nowMillis) throws Exception {
        buffer.clear();
        SocketAddress from = channel.receive(buffer);
        if (from == null) {
            return false;
        }
        handle(((InetSocketAddress) from).getAddress(), buffer.array(), buffer.position(), nowMillis, handler);
        return true;
    }

    public ExportReceiver nonBlocking() throws IOException {
        channel.configureBlocking(false);
        return this;
    }

    /** Waits up to {@code timeoutMillis} for a datagram (non-blocking mode); true when one is there. */
    public boolean await(long timeoutMillis) throws IOException {
        if (selector == null) {
            selector = java.nio.channels.Selector.open();
            channel.register(selector, java.nio.channels.SelectionKey.OP_READ);
        }
        int ready = selector.select(Math.max(1, timeoutMillis));
        selector.selectedKeys().clear();
        return ready > 0;
    }

    void handle(java.net.InetAddress exporter, byte[] data, int length, long nowMillis, Handler handler) throws Exception {
        long index = datagrams++;
        if (recording != null) {
            recording.write(data, 0, length);
        }
        List<FlowRecord> records;
        try {
            records = decoder.decode(exporter, data, 0, length, nowMillis);
        } catch (NetFlowDecodeException e) {
            handler.deadLetter(deadLetter(listen.toString(), index, exporter.getHostAddress(), data, length, e, nowMillis));
            return;
        }
        if (!records.isEmpty()) {
            handler.records(records);
        }
    }

    /** A dead letter for an undecodable datagram: topic = the listen address, offset = the datagram's index. */
    public static DeadLetter deadLetter(String listen, long index, String exporter, byte[] data, int length,
            NetFlowDecodeException e, long nowMillis) {
        return DeadLetter.newBuilder()
                .setTopic(listen)
                .setPartition(0)
                .setOffset(index)
                .setKafkaTimestamp(nowMillis)
                .setRaw(ByteBuffer.wrap(java.util.Arrays.copyOf(data, length)))
                .setReason("undecodable export datagram from " + exporter + ": " + e.getMessage())
                .setErrorClass(NetFlowDecodeException.class.getName())
                .setFailedMillis(nowMillis)
                .build();
    }

    public long datagrams() {
        return datagrams;
    }

    @Override
    public void close() throws IOException {
        if (selector != null) {
            selector.close();
        }
        channel.close();
        if (recording != null) {
            recording.close();
        }
    }
}
