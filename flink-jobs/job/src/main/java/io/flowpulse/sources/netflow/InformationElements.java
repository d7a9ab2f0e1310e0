package io.flowpulse.sources.netflow;

/**
 * The information elements a collector maps to {@code FlowRecord} (IANA IPFIX registry; NetFlow v9
 * field types 1-127 share the numbers), as decoding roles. Everything else, enterprise-specific
 * fields included, is skipped by its length.
 */
final class InformationElements {
    private InformationElements() {}

    /** IANA private enterprise number of RFC 5103 reverse information elements. */
    static final long PEN_REVERSE = 29305L;

    static final int SKIP = 0;
    static final int OCTETS = 1; // octetDeltaCount (1), v9 IN_BYTES
    static final int PACKETS = 2; // packetDeltaCount (2), v9 IN_PKTS
    static final int PROTOCOL = 3; // protocolIdentifier (4)
    static final int TCP_FLAGS = 4; // tcpControlBits (6), 1 octet in v9, 2 in IPFIX
    static final int SRC_PORT = 5; // sourceTransportPort (7)
    static final int SRC_V4 = 6; // sourceIPv4Address (8)
    static final int DST_PORT = 7; // destinationTransportPort (11)
    static final int DST_V4 = 8; // destinationIPv4Address (12)
    static final int END_UPTIME = 9; // flowEndSysUpTime (21), v9 LAST_SWITCHED
    static final int START_UPTIME = 10; // flowStartSysUpTime (22), v9 FIRST_SWITCHED
    static final int SRC_V6 = 11; // sourceIPv6Address (27)
    static final int DST_V6 = 12; // destinationIPv6Address (28)
    static final int OCTETS_TOTAL = 13; // octetTotalCount (85)
    static final int PACKETS_TOTAL = 14; // packetTotalCount (86)
    static final int START_SECONDS = 15; // flowStartSeconds (150)
    static final int END_SECONDS = 16; // flowEndSeconds (151)
    static final int START_MILLIS = 17; // flowStartMilliseconds (152)
    static final int END_MILLIS = 18; // flowEndMilliseconds (153)
    static final int START_MICROS = 19; // flowStartMicroseconds (154), NTP format
    static final int END_MICROS = 20; // flowEndMicroseconds (155), NTP format
    static final int START_NANOS = 21; // flowStartNanoseconds (156), NTP format
    static final int END_NANOS = 22; // flowEndNanoseconds (157), NTP format
    static final int START_DELTA_MICROS = 23; // flowStartDeltaMicroseconds (158), before export time
    static final int END_DELTA_MICROS = 24; // flowEndDeltaMicroseconds (159)
    static final int SYSTEM_INIT_MILLIS = 25; // systemInitTimeMilliseconds (160), options data
    static final int DURATION_MILLIS = 26; // flowDurationMilliseconds (161)
    static final int DURATION_MICROS = 27; // flowDurationMicroseconds (162)
    static final int REV_OCTETS = 28; // reverseOctetDeltaCount (29305/1)
    static final int REV_PACKETS = 29; // reversePacketDeltaCount (29305/2)
    static final int REV_OCTETS_TOTAL = 30; // reverseOctetTotalCount (29305/85)
    static final int REV_PACKETS_TOTAL = 31; // reversePacketTotalCount (29305/86)
    static final int REV_TCP_FLAGS = 32; // reverseTcpControlBits (29305/6)
    static final int ROLES = 33;

    /** The role of element {@code id} of enterprise {@code pen} (0 = IETF). */
    static int role(long pen, int id) {
        if (pen == PEN_REVERSE) {
            return switch (id) {
                case 1 -> REV_OCTETS;
                case 2 -> REV_PACKETS;
                case 85 -> REV_OCTETS_TOTAL;
                case 86 -> REV_PACKETS_TOTAL;
                case 6 -> REV_TCP_FLAGS;
                default -> SKIP;
            };
        }
        if (pen != 0) {
            return SKIP;
        }
        return switch (id) {
            case 1 -> OCTETS;
            case 2 -> PACKETS;
            case 4 -> PROTOCOL;
            case 6 -> TCP_FLAGS;
            case 7 -> SRC_PORT;
            case 8 -> SRC_V4;
            case 11 -> DST_PORT;
            case 12 -> DST_V4;
            case 21 -> END_UPTIME;
            case 22 -> START_UPTIME;
            case 27 -> SRC_V6;
            case 28 -> DST_V6;
            case 85 -> OCTETS_TOTAL;
            case 86 -> PACKETS_TOTAL;
            case 150 -> START_SECONDS;
            case 151 -> END_SECONDS;
            case 152 -> START_MILLIS;
            case 153 -> END_MILLIS;
            case 154 -> START_MICROS;
            case 155 -> END_MICROS;
            case 156 -> START_NANOS;
            case 157 -> END_NANOS;
            case 158 -> START_DELTA_MICROS;
            case 159 -> END_DELTA_MICROS;
            case 160 -> SYSTEM_INIT_MILLIS;
            case 161 -> DURATION_MILLIS;
            case 162 -> DURATION_MICROS;
            default -> SKIP;
        };
    }

    /** The encoded length a role requires (0 = any length up to 8 octets, for unsigned integers). */
    static int requiredLength(int role) {
        return switch (role) {
            case SRC_V4, DST_V4 -> 4;
            case SRC_V6, DST_V6 -> 16;
            case START_MICROS, END_MICROS, START_NANOS, END_NANOS -> 8;
            default -> 0;
        };
    }
}
