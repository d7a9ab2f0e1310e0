package io.flowpulse.sim;

import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * All packets of one simulated flow, written in advance by {@link FlowScripts} and replayed in
 * time order by the {@link TrafficSimulator}. Times are as seen at a capture point next to the
 * client: a server's reply to a client packet is seen one round-trip time later.
 *
 * <p>The TCP helpers model a three-way handshake, MSS-sized segments with PSH on the last one,
 * delayed ACKs every second segment, slow start (initial window 10, doubling per RTT up to the
 * bottleneck bandwidth) and FIN/FIN/ACK or RST teardown.
 */
final class FlowScript {
    static final int FIN = 1;
    static final int SYN = 2;
    static final int RST = 4;
    static final int PSH = 8;
    static final int ACK = 16;

    static final int TCP = 6;
    static final int UDP = 17;
    /** Ethernet II header, added to the IP length for {@code linkLength}. */
    static final int ETHERNET_HEADER = 14;
    static final int IPV4_HEADER = 20;
    /** TCP header with the timestamp option. */
    static final int TCP_HEADER_TS = 32;
    /** SYN / SYN-ACK header with MSS, SACK-permitted, timestamps, NOP and window scale options (Linux). */
    static final int TCP_HEADER_SYN = 40;
    static final int TCP_HEADER_PLAIN = 20;
    static final int UDP_HEADER = 8;
    /** 1500 MTU - 20 IP - 32 TCP with timestamps. */
    static final int MSS = 1448;

    final AppProfile profile;
    final byte[] clientIp;
    final byte[] serverIp;
    final int clientPort;
    final int serverPort;
    final int protocol;
    final long endMicros;
    final SplittableRandom random;

    /** Round-trip time between the capture point and the server, microseconds. */
    long rttMicros = 20_000;
    /** Bottleneck bandwidth for bulk segments, bytes per second. */
    double bandwidthBytesPerSecond = 5_000_000;
    /** Scaled receive window the client advertises after the handshake. */
    int clientWindow = 502;
    int serverWindow = 501;

    private long[] times = new long[16];
    private int[] packed = new int[16];
    private int[] payloads = new int[16];
    private int size;
    private int cursor;

    FlowScript(AppProfile profile, byte[] clientIp, int clientPort, byte[] serverIp, int serverPort, int protocol,
            long endMicros, SplittableRandom random) {
        this.profile = profile;
        this.clientIp = clientIp;
        this.serverIp = serverIp;
        this.clientPort = clientPort;
        this.serverPort = serverPort;
        this.protocol = protocol;
        this.endMicros = endMicros;
        this.random = random;
    }

    // ---- recording ---------------------------------------------------------------------------

    /** Records one packet unless it falls at or after the end of the simulation. */
    void packet(long t, boolean fromClient, int flags, int payload, int l4Header, int window) {
        if (t >= endMicros) {
            return;
        }
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            packed = Arrays.copyOf(packed, size * 2);
            payloads = Arrays.copyOf(payloads, size * 2);
        }
        times[size] = t;
        // window (17 bits) | l4 header (6 bits) | flags (8 bits) | direction (1 bit)
        packed[size] = (window << 15) | (l4Header << 9) | (flags << 1) | (fromClient ? 1 : 0);
        payloads[size] = payload;
        size++;
    }

    boolean ended(long t) {
        return t >= endMicros;
    }

    int size() {
        return size;
    }

    /** Sorts the recorded packets by time (stable), then the script can be replayed. */
    FlowScript seal() {
        Integer[] order = new Integer[size];
        boolean sorted = true;
        for (int i = 0; i < size; i++) {
            order[i] = i;
            if (i > 0 && times[i] < times[i - 1]) {
                sorted = false;
            }
        }
        if (!sorted) {
            Arrays.sort(order, (a, b) -> times[a] != times[b] ? Long.compare(times[a], times[b]) : Integer.compare(a, b));
            long[] t2 = new long[size];
            int[] p2 = new int[size];
            int[] l2 = new int[size];
            for (int i = 0; i < size; i++) {
                t2[i] = times[order[i]];
                p2[i] = packed[order[i]];
                l2[i] = payloads[order[i]];
            }
            times = t2;
            packed = p2;
            payloads = l2;
        }
        return this;
    }

    // ---- replay ------------------------------------------------------------------------------

    boolean hasNext() {
        return cursor < size;
    }

    long nextMicros() {
        return times[cursor];
    }

    PacketEvent next() {
        int i = cursor++;
        int bits = packed[i];
        boolean fromClient = (bits & 1) == 1;
        int flags = (bits >>> 1) & 0xff;
        int l4 = (bits >>> 9) & 0x3f;
        int window = bits >>> 15;
        int payload = payloads[i];
        int ipLength = IPV4_HEADER + l4 + payload;
        PacketEvent p = new PacketEvent();
        p.setTimestampMicros(times[i]);
        p.setSrcIp(ByteBuffer.wrap(fromClient ? clientIp : serverIp));
        p.setDstIp(ByteBuffer.wrap(fromClient ? serverIp : clientIp));
        p.setSrcPort(fromClient ? clientPort : serverPort);
        p.setDstPort(fromClient ? serverPort : clientPort);
        p.setProtocol(protocol);
        p.setIpVersion(4);
        p.setLinkLength(ipLength + ETHERNET_HEADER);
        p.setIpLength(ipLength);
        p.setIpHeaderLength(IPV4_HEADER);
        p.setL4HeaderLength(l4);
        p.setPayloadLength(payload);
        p.setTcpFlags(protocol == TCP ? flags : 0);
        p.setTcpWindow(protocol == TCP ? window : 0);
        p.setSourceId(profile.sourceId());
        return p;
    }

    // ---- TCP building blocks (return the time of the last packet they wrote) -------------------

    private int window(boolean fromClient) {
        // receive windows grow a little as the socket buffer auto-tunes
        return (fromClient ? clientWindow : serverWindow) + random.nextInt(16);
    }

    private long ackDelay() {
        return 20 + random.nextInt(180);
    }

    long handshake(long t) {
        packet(t, true, SYN, 0, TCP_HEADER_SYN, 64240);
        long synAck = t + rttMicros;
        packet(synAck, false, SYN | ACK, 0, TCP_HEADER_SYN, 65160);
        long ack = synAck + ackDelay();
        packet(ack, true, ACK, 0, TCP_HEADER_TS, window(true));
        return ack;
    }

    /** One application message of {@code bytes} leaving its sender at capture time {@code t} (client) or arriving at {@code t} (server). */
    long send(long t, boolean fromClient, long bytes) {
        if (bytes <= MSS) {
            packet(t, fromClient, PSH | ACK, (int) bytes, TCP_HEADER_TS, window(fromClient));
            return t;
        }
        return transfer(t, fromClient, bytes);
    }

    /** A message that is acknowledged: the peer's pure ACK follows (delayed ACK for a single segment). */
    long sendAcked(long t, boolean fromClient, long bytes) {
        long last = send(t, fromClient, bytes);
        if (bytes <= MSS) {
            long ackTime = fromClient ? last + rttMicros : last + 40_000 + random.nextInt(1_000);
            packet(ackTime, !fromClient, ACK, 0, TCP_HEADER_TS, window(!fromClient));
            return Math.max(last, ackTime);
        }
        return last;
    }

    /** Bulk data with slow start and an ACK every second segment. */
    long transfer(long t, boolean fromClient, long bytes) {
        double gap = Math.max(1.0, MSS * 1e6 / bandwidthBytesPerSecond);
        long remaining = bytes;
        long roundStart = t;
        long last = t;
        int cwnd = 10;
        long segment = 0;
        while (remaining > 0) {
            long n = Math.min(cwnd, (remaining + MSS - 1) / MSS);
            for (int i = 0; i < n; i++) {
                int len = (int) Math.min(MSS, remaining);
                remaining -= len;
                long ts = roundStart + (long) (i * gap);
                packet(ts, fromClient, remaining == 0 ? PSH | ACK : ACK, len, TCP_HEADER_TS, window(fromClient));
                segment++;
                last = Math.max(last, ts);
                if (segment % 2 == 0 || remaining == 0) {
                    long ackTime = fromClient ? ts + rttMicros : ts + ackDelay();
                    packet(ackTime, !fromClient, ACK, 0, TCP_HEADER_TS, window(!fromClient));
                    last = Math.max(last, ackTime);
                }
                if (ended(ts)) {
                    return last;
                }
            }
            roundStart += Math.max(rttMicros, (long) (n * gap));
            cwnd = Math.min(cwnd * 2, 4096);
        }
        return last;
    }

    /** Client request at {@code t}, server think time, then the response. */
    long exchange(long t, long requestBytes, long serverMicros, long responseBytes) {
        long sent = send(t, true, requestBytes);
        return send(sent + rttMicros + serverMicros, false, responseBytes);
    }

    /** FIN from one side, FIN from the other, final ACK. */
    long close(long t, boolean clientCloses) {
        if (clientCloses) {
            packet(t, true, FIN | ACK, 0, TCP_HEADER_TS, window(true));
            long peerFin = t + rttMicros;
            packet(peerFin, false, FIN | ACK, 0, TCP_HEADER_TS, window(false));
            long ack = peerFin + ackDelay();
            packet(ack, true, ACK, 0, TCP_HEADER_TS, window(true));
            return ack;
        }
        packet(t, false, FIN | ACK, 0, TCP_HEADER_TS, window(false));
        long clientFin = t + 50 + random.nextInt(500);
        packet(clientFin, true, FIN | ACK, 0, TCP_HEADER_TS, window(true));
        long ack = clientFin + rttMicros;
        packet(ack, false, ACK, 0, TCP_HEADER_TS, window(false));
        return ack;
    }

    long reset(long t, boolean fromClient) {
        packet(t, fromClient, RST | ACK, 0, TCP_HEADER_PLAIN, 0);
        return t;
    }

    long udp(long t, boolean fromClient, int payload) {
        packet(t, fromClient, 0, payload, UDP_HEADER, 0);
        return t;
    }
}
