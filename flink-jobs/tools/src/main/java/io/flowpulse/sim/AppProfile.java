package io.flowpulse.sim;

/** Application profiles of simulated flows; each has its own size and timing pattern. */
public enum AppProfile {
    /** HTTPS page loads: TLS handshake, bursts of request/response exchanges, keep-alive, FIN or RST. */
    WEB,
    /** Adaptive video streaming over HTTPS: a large downstream segment every 2-6 s. */
    VIDEO,
    /** DNS over UDP: one query, one response (sometimes none). */
    DNS,
    /** Interactive SSH: key exchange, then 36-byte keystrokes and echoes with human think times. */
    SSH,
    /** Bulk upload or download (SMB, rsync, backup) at link speed with TCP slow start. */
    BULK,
    /** IoT fleet: MQTT over TCP or CoAP over UDP telemetry at a fixed period. */
    IOT,
    /** A SYN port scan: one probe per destination port, answered by RST or SYN-ACK then RST. */
    SCAN;

    /** The value written to {@code PacketEvent.sourceId}, e.g. {@code sim:web}. */
    public String sourceId() {
        return "sim:" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
