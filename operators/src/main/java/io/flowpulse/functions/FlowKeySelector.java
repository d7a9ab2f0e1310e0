package io.flowpulse.functions;

import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Bidirectional 5-tuple key: both directions of a conversation map to the same string. The
 * endpoints are ordered (lower ip:port first) so the key does not depend on who spoke first;
 * the flow's forward direction is decided by its first packet inside the aggregator.
 */
public class FlowKeySelector implements KeySelector<PacketEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(PacketEvent p) {
        String key = canonicalKey(p.getSrcIp(), p.getSrcPort(), p.getDstIp(), p.getDstPort(), p.getProtocol());
        Integer vlan = p.getVlanId();
        // VLANs are separate address spaces (nfstream keys by VLAN too); untagged keys are unchanged
        return vlan == null ? key : "v" + vlan + "|" + key;
    }

    /** The same canonical key for a flow's {@link io.flowpulse.records.FlowKey}. */
    public static String canonicalKey(io.flowpulse.records.FlowKey k) {
        return canonicalKey(k.getSrcIp(), k.getSrcPort(), k.getDstIp(), k.getDstPort(), k.getProtocol());
    }

    public static String canonicalKey(ByteBuffer srcIp, int srcPort, ByteBuffer dstIp, int dstPort, int protocol) {
        int c = compare(srcIp, dstIp);
        boolean srcFirst = c < 0 || (c == 0 && srcPort <= dstPort);
        StringBuilder sb = new StringBuilder(64).append(protocol).append('|');
        if (srcFirst) {
            hex(sb, srcIp).append(':').append(srcPort).append('|');
            hex(sb, dstIp).append(':').append(dstPort);
        } else {
            hex(sb, dstIp).append(':').append(dstPort).append('|');
            hex(sb, srcIp).append(':').append(srcPort);
        }
        return sb.toString();
    }

    private static int compare(ByteBuffer a, ByteBuffer b) {
        int la = a.remaining();
        int lb = b.remaining();
        if (la != lb) {
            return Integer.compare(la, lb);
        }
        for (int i = 0; i < la; i++) {
            int x = a.get(a.position() + i) & 0xff;
            int y = b.get(b.position() + i) & 0xff;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static StringBuilder hex(StringBuilder sb, ByteBuffer ip) {
        for (int i = 0; i < ip.remaining(); i++) {
            int v = ip.get(ip.position() + i) & 0xff;
            sb.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
        }
        return sb;
    }
}
