package io.flowpulse.jobs;

import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Hand-built packets with known flows, for tests. */
final class TestTraffic {
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    private TestTraffic() {}

    static PacketEvent packet(long tsMicros, int clientHost, int serverHost, int sport, int dport,
            boolean fromClient, int flags, int payload) {
        byte[] c = {10, 0, 0, (byte) clientHost};
        byte[] s = {10, 0, 1, (byte) serverHost};
        return PacketEvent.newBuilder()
                .setTimestampMicros(tsMicros)
                .setSrcIp(ByteBuffer.wrap(fromClient ? c : s))
                .setDstIp(ByteBuffer.wrap(fromClient ? s : c))
                .setSrcPort(fromClient ? sport : dport)
                .setDstPort(fromClient ? dport : sport)
                .setProtocol(6)
                .setLinkLength(14 + 20 + 20 + payload)
                .setIpLength(20 + 20 + payload)
                .setL4HeaderLength(20)
                .setPayloadLength(payload)
                .setTcpFlags(flags)
                .setTcpWindow(64240)
                .build();
    }

    /** A complete TCP conversation: handshake, {@code exchanges} request/response pairs, FIN/FIN/ACK teardown. */
    static List<PacketEvent> tcpConversation(long startMicros, int clientHost, int serverHost, int sport,
            int dport, int exchanges) {
        List<PacketEvent> out = new ArrayList<>();
        long t = startMicros;
        out.add(packet(t, clientHost, serverHost, sport, dport, true, SYN, 0));
        out.add(packet(t += 1000, clientHost, serverHost, sport, dport, false, SYN | ACK, 0));
        out.add(packet(t += 1000, clientHost, serverHost, sport, dport, true, ACK, 0));
        for (int i = 0; i < exchanges; i++) {
            out.add(packet(t += 2000, clientHost, serverHost, sport, dport, true, PSH | ACK, 200));
            out.add(packet(t += 3000, clientHost, serverHost, sport, dport, false, PSH | ACK, 1200));
        }
        out.add(packet(t += 1000, clientHost, serverHost, sport, dport, true, FIN | ACK, 0));
        out.add(packet(t += 1000, clientHost, serverHost, sport, dport, false, FIN | ACK, 0));
        out.add(packet(t += 1000, clientHost, serverHost, sport, dport, true, ACK, 0));
        return out;
    }

    static long linkBytes(List<PacketEvent> packets) {
        return packets.stream().mapToLong(PacketEvent::getLinkLength).sum();
    }
}
