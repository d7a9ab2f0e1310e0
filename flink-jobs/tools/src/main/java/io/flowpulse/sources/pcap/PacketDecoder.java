package io.flowpulse.sources.pcap;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketEvent;

/**
 * Decodes one captured frame into a {@link PacketEvent}: link layer (Ethernet with 802.1Q/802.1ad
 * VLAN tags, PPPoE and MPLS; Linux SLL and SLL2; BSD null/loopback; raw IPv4/IPv6; PPP; Cisco
 * HDLC), IPv4 (options, fragments) and IPv6 (extension headers, fragments), TCP, UDP, SCTP and
 * ICMP/ICMPv6. GTP-U (UDP 2152) is decoded to its inner IP packet, as nfstream does by default.
 * Frames it cannot decode return null and are counted by reason in {@link DecodeStats}; it never
 * throws on malformed input. Like nDPI and nfstream, fragments are not reassembled: first fragments
 * count with their L4 header, non-first fragments (no L4 header) are skipped with a counted reason.
 *
 * <p>{@code linkLength} is the frame's original wire length (nfstream's byte count), the other
 * lengths come from the IP and L4 headers, so truncated captures (small snaplen) still count right.
 */
public final class PacketDecoder {
    public static final int LINKTYPE_NULL = 0;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_PPP = 9;
    public static final int LINKTYPE_RAW_BSD = 12;
    public static final int LINKTYPE_RAW_OPENBSD = 14;
    public static final int LINKTYPE_PPP_HDLC = 50;
    public static final int LINKTYPE_RAW = 101;
    public static final int LINKTYPE_C_HDLC = 104;
    public static final int LINKTYPE_LOOP = 108;
    public static final int LINKTYPE_LINUX_SLL = 113;
    public static final int LINKTYPE_IPV4 = 228;
    public static final int LINKTYPE_IPV6 = 229;
    public static final int LINKTYPE_LINUX_SLL2 = 276;

    private static final int GTP_U_PORT = 2152;

    private final DecodeStats stats;
    private final String sourceId;
    private final boolean decodeTunnels;
    /** Transport bytes to keep per packet in {@link FlowPacket#headerBytes} (after the IP header); 0 = none. */
    private int transportBytes;

    public PacketDecoder(DecodeStats stats, String sourceId) {
        this(stats, sourceId, true);
    }

    public PacketDecoder(DecodeStats stats, String sourceId, boolean decodeTunnels) {
        this.stats = stats;
        this.sourceId = sourceId;
        this.decodeTunnels = decodeTunnels;
    }

    /**
     * Keep the IP header and the first {@code n} bytes of the transport header and payload of every
     * packet in {@link FlowPacket#headerBytes} (as captured: fewer when the capture is shorter), as
     * input for the flow operator's first-bytes option; 0 (default) keeps none.
     */
    public PacketDecoder keepTransportBytes(int n) {
        if (n < 0 || n > 65_535) {
            throw new IllegalArgumentException("transport bytes 0..65535, not " + n);
        }
        this.transportBytes = n;
        return this;
    }

    public DecodeStats stats() {
        return stats;
    }

    public PacketEvent decode(PcapFrame f) {
        FlowPacket p = decodePacket(f);
        return p == null ? null : p.toPacketEvent();
    }

    /** Decodes a frame; null (and a counted reason) when it is not a decodable IP packet. */
    public PacketEvent decode(int linkType, long timestampMicros, int originalLength, byte[] b, int capLen) {
        FlowPacket p = decodePacket(linkType, timestampMicros, originalLength, b, capLen);
        return p == null ? null : p.toPacketEvent();
    }

    /** Decodes a frame straight into the flow operator's {@link FlowPacket} (no Avro object, no byte arrays). */
    public FlowPacket decodePacket(PcapFrame f) {
        return decodePacket(f.linkType, f.timestampMicros, f.originalLength, f.data, f.data.length);
    }

    /** Decodes a frame; null (and a counted reason) when it is not a decodable IP packet. */
    public FlowPacket decodePacket(int linkType, long timestampMicros, int originalLength, byte[] b, int capLen) {
        try {
            FlowPacket p = decodeLink(linkType, timestampMicros, originalLength, b, capLen);
            if (p != null) {
                stats.decoded++;
            }
            return p;
        } catch (RuntimeException e) {
            stats.skip("malformed: " + e.getClass().getSimpleName());
            return null;
        }
    }

    private FlowPacket decodeLink(int linkType, long ts, int origLen, byte[] b, int len) {
        switch (linkType) {
            case LINKTYPE_ETHERNET:
                return ethernet(ts, origLen, b, len, 12, null);
            case LINKTYPE_LINUX_SLL:
                if (len < 16) {
                    return skip("truncated link header");
                }
                return etherType(ts, origLen, b, len, u16(b, 14), 16, null);
            case LINKTYPE_LINUX_SLL2:
                if (len < 20) {
                    return skip("truncated link header");
                }
                return etherType(ts, origLen, b, len, u16(b, 0), 20, null);
            case LINKTYPE_NULL:
            case LINKTYPE_LOOP: {
                if (len < 4) {
                    return skip("truncated link header");
                }
                int family = linkType == LINKTYPE_LOOP ? u32(b, 0) : Integer.reverseBytes(u32(b, 0));
                if ((family & 0xffff0000) != 0) {
                    family = Integer.reverseBytes(family); // written in the other host byte order
                }
                if (family == 2) {
                    return ip(ts, origLen, b, len, 4, null, 4);
                }
                if (family == 24 || family == 28 || family == 30 || family == 10) {
                    return ip(ts, origLen, b, len, 4, null, 6);
                }
                return skip("non-IP null/loopback family " + family);
            }
            case LINKTYPE_RAW:
            case LINKTYPE_RAW_BSD:
            case LINKTYPE_RAW_OPENBSD:
                return ip(ts, origLen, b, len, 0, null, 0);
            case LINKTYPE_IPV4:
                return ip(ts, origLen, b, len, 0, null, 4);
            case LINKTYPE_IPV6:
                return ip(ts, origLen, b, len, 0, null, 6);
            case LINKTYPE_PPP:
            case LINKTYPE_PPP_HDLC:
            case LINKTYPE_C_HDLC: {
                if (len < 4) {
                    return skip("truncated link header");
                }
                int first = b[0] & 0xff;
                if (first == 0x0f || first == 0x8f) { // Cisco HDLC framing: address, control, ethertype
                    return etherType(ts, origLen, b, len, u16(b, 2), 4, null);
                }
                int off = (first == 0xff && (b[1] & 0xff) == 0x03) ? 2 : 0;
                return ppp(ts, origLen, b, len, off);
            }
            default:
                return skip("unsupported link type " + linkType);
        }
    }

    private FlowPacket ppp(long ts, int origLen, byte[] b, int len, int off) {
        if (len < off + 2) {
            return skip("truncated link header");
        }
        int proto = b[off] & 0xff;
        int hdr = 1;
        if ((proto & 1) == 0) { // two-byte protocol field
            proto = u16(b, off);
            hdr = 2;
        }
        if (proto == 0x21) {
            return ip(ts, origLen, b, len, off + hdr, null, 4);
        }
        if (proto == 0x57) {
            return ip(ts, origLen, b, len, off + hdr, null, 6);
        }
        return skip("non-IP PPP protocol");
    }

    private FlowPacket ethernet(long ts, int origLen, byte[] b, int len, int typeOffset, Integer vlan) {
        if (len < typeOffset + 2) {
            return skip("truncated link header");
        }
        return etherType(ts, origLen, b, len, u16(b, typeOffset), typeOffset + 2, vlan);
    }

    private FlowPacket etherType(long ts, int origLen, byte[] b, int len, int type, int off, Integer vlan) {
        while (true) {
            switch (type) {
                case 0x0800:
                    return ip(ts, origLen, b, len, off, vlan, 4);
                case 0x86dd:
                    return ip(ts, origLen, b, len, off, vlan, 6);
                case 0x8100:
                case 0x88a8:
                case 0x9100:
                    if (len < off + 4) {
                        return skip("truncated VLAN tag");
                    }
                    if (vlan == null) {
                        vlan = u16(b, off) & 0x0fff;
                    }
                    type = u16(b, off + 2);
                    off += 4;
                    continue;
                case 0x8864: // PPPoE session
                    if (len < off + 8) {
                        return skip("truncated PPPoE header");
                    }
                    int proto = u16(b, off + 6);
                    if (proto == 0x21) {
                        return ip(ts, origLen, b, len, off + 8, vlan, 4);
                    }
                    if (proto == 0x57) {
                        return ip(ts, origLen, b, len, off + 8, vlan, 6);
                    }
                    return skip("non-IP PPPoE protocol");
                case 0x8847:
                case 0x8848: // MPLS: skip labels up to bottom of stack, then guess IP version
                    while (true) {
                        if (len < off + 4) {
                            return skip("truncated MPLS label");
                        }
                        boolean bottom = (b[off + 2] & 1) != 0;
                        off += 4;
                        if (bottom) {
                            break;
                        }
                    }
                    return ip(ts, origLen, b, len, off, vlan, 0);
                default:
                    if (type < 0x0600) {
                        return skip("802.3/LLC frame");
                    }
                    return skip(String.format("non-IP ethertype 0x%04x", type));
            }
        }
    }

    /** IP packet at {@code off}; {@code version} 0 means read it from the first nibble. */
    private FlowPacket ip(long ts, int origLen, byte[] b, int len, int off, Integer vlan, int version) {
        if (len <= off) {
            return skip("truncated IP header");
        }
        int v = (b[off] & 0xff) >>> 4;
        if (version != 0 && v != version) {
            return skip("IP version mismatch");
        }
        if (v == 4) {
            return ipv4(ts, origLen, b, len, off, vlan);
        }
        if (v == 6) {
            return ipv6(ts, origLen, b, len, off, vlan);
        }
        return skip("not IPv4/IPv6");
    }

    private FlowPacket ipv4(long ts, int origLen, byte[] b, int len, int off, Integer vlan) {
        if (len < off + 20) {
            return skip("truncated IP header");
        }
        int ihl = (b[off] & 0x0f) * 4;
        if (ihl < 20) {
            return skip("bad IPv4 header length");
        }
        int totalLength = u16(b, off + 2);
        if (totalLength == 0) { // TSO/offloaded capture: take it from the frame
            totalLength = origLen - off;
        }
        int proto = b[off + 9] & 0xff;
        int fragment = u16(b, off + 6) & 0x3fff; // more-fragments flag or offset: a fragment
        if (decodeTunnels && fragment == 0 && (proto == 4 || proto == 41)) {
            // IP-in-IP / 6in4: the flow is the inner packet's, as nfstream and nDPI decode it
            FlowPacket inner = ip(ts, origLen, b, len, off + ihl, vlan, proto == 4 ? 4 : 6);
            if (inner != null) {
                return inner;
            }
        }
        if ((fragment & 0x1fff) != 0) {
            return skip("IPv4 non-first fragment"); // as nDPI/nfstream: no L4 header, not counted
        }
        return l4(ts, origLen, b, len, off + ihl, vlan, 4, 0, u32(b, off + 12) & 0xffffffffL,
                0, u32(b, off + 16) & 0xffffffffL, proto, totalLength, ihl, false);
    }

    private FlowPacket ipv6(long ts, int origLen, byte[] b, int len, int off, Integer vlan) {
        if (len < off + 40) {
            return skip("truncated IP header");
        }
        int payloadLength = u16(b, off + 4);
        int next = b[off + 6] & 0xff;
        long srcHi = u64(b, off + 8);
        long srcLo = u64(b, off + 16);
        long dstHi = u64(b, off + 24);
        long dstLo = u64(b, off + 32);
        int hdr = 40;
        boolean laterFragment = false; // any IPv6 fragment: no reliable L4 header
        while (true) {
            if (next == 0 || next == 43 || next == 60 || next == 51 || next == 44) {
                int p = off + hdr;
                if (len < p + 8) {
                    if (len < p + 2) {
                        return skip("truncated IPv6 extension header");
                    }
                }
                int extLen;
                if (next == 44) {
                    extLen = 8;
                    if ((u16(b, p + 2) & 0xfff8) != 0) {
                        return skip("IPv6 non-first fragment"); // as nDPI/nfstream: not counted
                    }
                } else if (next == 51) {
                    extLen = ((b[p + 1] & 0xff) + 2) * 4;
                } else {
                    extLen = ((b[p + 1] & 0xff) + 1) * 8;
                }
                next = b[p] & 0xff;
                hdr += extLen;
                if (laterFragment) {
                    break;
                }
            } else {
                break;
            }
        }
        if (decodeTunnels && !laterFragment && (next == 4 || next == 41)) {
            FlowPacket inner = ip(ts, origLen, b, len, off + hdr, vlan, next == 4 ? 4 : 6);
            if (inner != null) {
                return inner;
            }
        }
        int ipLength = payloadLength == 0 ? origLen - off : 40 + payloadLength;
        return l4(ts, origLen, b, len, off + hdr, vlan, 6, srcHi, srcLo, dstHi, dstLo, next, ipLength, hdr,
                laterFragment);
    }

    /**
     * L4 header at {@code off}. Fragments ({@code fragment}: IPv4 MF flag or offset, IPv6 fragment
     * header) carry no ports: all fragments of a datagram form one port-less flow, as in nfstream.
     */
    private FlowPacket l4(long ts, int origLen, byte[] b, int len, int off, Integer vlan, int ipVersion,
            long srcHi, long srcLo, long dstHi, long dstLo, int proto, int ipLength, int ipHeaderLength,
            boolean laterFragment) {
        int srcPort = 0;
        int dstPort = 0;
        int l4Header = 0;
        int flags = 0;
        int window = 0;
        if (!laterFragment) {
            switch (proto) {
                case 6:
                    if (len < off + 14) {
                        return skip("truncated TCP header");
                    }
                    srcPort = u16(b, off);
                    dstPort = u16(b, off + 2);
                    l4Header = ((b[off + 12] & 0xff) >>> 4) * 4;
                    flags = b[off + 13] & 0xff;
                    window = len >= off + 16 ? u16(b, off + 14) : 0;
                    break;
                case 17:
                    if (len < off + 4) {
                        return skip("truncated UDP header");
                    }
                    srcPort = u16(b, off);
                    dstPort = u16(b, off + 2);
                    l4Header = 8;
                    if (decodeTunnels && (srcPort == GTP_U_PORT || dstPort == GTP_U_PORT)) {
                        FlowPacket inner = gtpU(ts, origLen, b, len, off + 8, vlan);
                        if (inner != null) {
                            return inner;
                        }
                    }
                    break;
                case 132:
                    if (len < off + 4) {
                        return skip("truncated SCTP header");
                    }
                    srcPort = u16(b, off);
                    dstPort = u16(b, off + 2);
                    l4Header = 12;
                    break;
                case 1:
                case 58:
                    l4Header = 8;
                    break;
                default:
                    break;
            }
        }
        int payload = Math.max(0, ipLength - ipHeaderLength - l4Header);
        FlowPacket p = new FlowPacket();
        p.timestampMicros = ts;
        p.ipVersion = ipVersion;
        p.srcHi = srcHi;
        p.srcLo = srcLo;
        p.dstHi = dstHi;
        p.dstLo = dstLo;
        p.srcPort = srcPort;
        p.dstPort = dstPort;
        p.protocol = proto;
        p.linkLength = origLen;
        p.ipLength = ipLength;
        p.ipHeaderLength = ipHeaderLength;
        p.l4HeaderLength = l4Header;
        p.payloadLength = payload;
        p.tcpFlags = flags;
        p.tcpWindow = window;
        p.vlanId = vlan == null ? -1 : vlan;
        p.sourceId = sourceId;
        if (transportBytes > 0) {
            int ipStart = off - ipHeaderLength; // l4 is called with off = IP start + IP header (with IPv6 extensions)
            if (ipStart >= 0 && ipStart <= len) {
                p.headerBytes = java.util.Arrays.copyOfRange(b, ipStart, Math.max(ipStart, Math.min(len, off + transportBytes)));
            }
        }
        return p;
    }

    /** GTP-U G-PDU: the inner IP packet (link length stays the outer frame's); null if not a G-PDU. */
    private FlowPacket gtpU(long ts, int origLen, byte[] b, int len, int off, Integer vlan) {
        if (len < off + 8) {
            return null;
        }
        int flags = b[off] & 0xff;
        if ((flags >>> 5) != 1 || (flags & 0x10) == 0 || (b[off + 1] & 0xff) != 0xff) {
            return null;
        }
        int p = off + 8;
        if ((flags & 0x07) != 0) {
            if (len < p + 4) {
                return null;
            }
            int nextExt = b[p + 3] & 0xff;
            p += 4;
            while (nextExt != 0) {
                if (len < p + 1) {
                    return null;
                }
                int extLen = (b[p] & 0xff) * 4;
                if (extLen == 0 || len < p + extLen) {
                    return null;
                }
                nextExt = b[p + extLen - 1] & 0xff;
                p += extLen;
            }
        }
        if (len <= p) {
            return null;
        }
        int v = (b[p] & 0xff) >>> 4;
        if (v != 4 && v != 6) {
            return null;
        }
        FlowPacket inner = v == 4 ? ipv4(ts, origLen, b, len, p, vlan) : ipv6(ts, origLen, b, len, p, vlan);
        return inner;
    }

    private FlowPacket skip(String reason) {
        stats.skip(reason);
        return null;
    }

    private static long u64(byte[] b, int off) {
        return ((long) u32(b, off) << 32) | (u32(b, off + 4) & 0xffffffffL);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static int u32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
