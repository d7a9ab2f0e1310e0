package io.flowpulse.sources.pcap;

/** One captured frame as stored in a pcap/pcapng file: link type, time, wire length and captured bytes. */
public final class PcapFrame {
    public final int linkType;
    public final long timestampMicros;
    /** Original length on the wire (may exceed {@code data.length} when the capture was truncated). */
    public final int originalLength;
    public final byte[] data;

    public PcapFrame(int linkType, long timestampMicros, int originalLength, byte[] data) {
        this.linkType = linkType;
        this.timestampMicros = timestampMicros;
        this.originalLength = originalLength;
        this.data = data;
    }
}
