package io.flowpulse.sources.pcap;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streaming reader of classic pcap (micro- and nanosecond, both byte orders) and pcapng (SHB, IDB
 * with {@code if_tsresol}, EPB, SPB and the obsolete PB; other blocks are skipped), plain or
 * gzip-compressed (detected by magic number, not by file name).
 *
 * <p>Hand-written rather than {@code io.pkts:pkts-core}: pkts reads only classic pcap (no pcapng,
 * which 36 of the 220 reference captures are), frames only Ethernet and Linux SLL (the reference
 * set also has null/loopback, raw IP, PPP and Cisco HDLC) and allocates a lazily-parsed object graph
 * per packet, too slow for the 1 M packets/s target. The format is small and fully specified
 * (libpcap file format, draft-ietf-opsawg-pcapng), so this reader is about 200 lines.
 */
public final class PcapReader implements Closeable {
    private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
    private static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
    private static final int PCAPNG_SHB = 0x0a0d0d0a;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int MAX_BLOCK = 64 * 1024 * 1024;
    private static final int MAX_WIRE_LENGTH = 256 * 1024;

    private final DataInputStream in;
    private final boolean pcapng;
    private boolean littleEndian;
    private boolean nanos;
    private int linkType;
    /** pcapng: per interface, link type and ticks per second. */
    private final List<int[]> ifLinkTypes = new ArrayList<>();
    private final List<Long> ifTicksPerSecond = new ArrayList<>();

    public PcapReader(InputStream raw) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream body = buffered;
        if (b0 == 0x1f && b1 == 0x8b) {
            body = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        }
        in = new DataInputStream(body);
        int magic = in.readInt();
        if (magic == PCAPNG_SHB) {
            pcapng = true;
            readSectionHeader();
        } else {
            pcapng = false;
            if (magic == PCAP_MAGIC_MICROS || magic == PCAP_MAGIC_NANOS) {
                littleEndian = false;
            } else if (Integer.reverseBytes(magic) == PCAP_MAGIC_MICROS || Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS) {
                littleEndian = true;
                magic = Integer.reverseBytes(magic);
            } else {
                throw new IOException(String.format("not a pcap or pcapng file (magic %08x)", magic));
            }
            nanos = magic == PCAP_MAGIC_NANOS;
            in.skipNBytes(16); // version, thiszone, sigfigs, snaplen
            linkType = readInt() & 0x0fffffff;
        }
    }

    public static PcapReader open(Path path) throws IOException {
        return new PcapReader(Files.newInputStream(path));
    }

    /** Reads every frame of a file into memory. */
    public static List<PcapFrame> readAll(Path path) throws IOException {
        List<PcapFrame> frames = new ArrayList<>();
        try (PcapReader r = open(path)) {
            for (PcapFrame f = r.next(); f != null; f = r.next()) {
                frames.add(f);
            }
        }
        return frames;
    }

    /** The next frame, or null at the end of the file (a truncated last record counts as the end). */
    public PcapFrame next() throws IOException {
        try {
            return pcapng ? nextPcapng() : nextPcap();
        } catch (EOFException e) {
            return null;
        }
    }

    private PcapFrame nextPcap() throws IOException {
        long seconds;
        try {
            seconds = readInt() & 0xffffffffL;
        } catch (EOFException e) {
            return null;
        }
        long fraction = readInt() & 0xffffffffL;
        int capLen = readInt();
        int origLen = readInt();
        if (capLen < 0 || capLen > MAX_BLOCK) {
            throw new IOException("corrupt pcap record length " + capLen);
        }
        byte[] data = new byte[capLen];
        in.readFully(data);
        long micros = seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
        return new PcapFrame(linkType, micros, wireLength(origLen, capLen), data);
    }

    private void readSectionHeader() throws IOException {
        // block type already read; next: total length (byte order unknown yet), byte-order magic
        int rawLength = in.readInt();
        int bom = in.readInt();
        if (bom == BYTE_ORDER_MAGIC) {
            littleEndian = false;
        } else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
            littleEndian = true;
        } else {
            throw new IOException("bad pcapng byte-order magic");
        }
        int length = littleEndian ? Integer.reverseBytes(rawLength) : rawLength;
        in.skipNBytes(length - 12);
        ifLinkTypes.clear();
        ifTicksPerSecond.clear();
    }

    private PcapFrame nextPcapng() throws IOException {
        while (true) {
            int type;
            try {
                type = in.readInt();
            } catch (EOFException e) {
                return null;
            }
            if (type == PCAPNG_SHB) {
                readSectionHeader();
                continue;
            }
            if (littleEndian) {
                type = Integer.reverseBytes(type);
            }
            int length = readInt();
            if (length < 12 || length > MAX_BLOCK) {
                throw new IOException("corrupt pcapng block length " + length);
            }
            byte[] body = new byte[length - 12];
            in.readFully(body);
            in.skipNBytes(4); // trailing length
            switch (type) {
                case 1 -> readInterface(body);
                case 6 -> { // enhanced packet block
                    int ifId = getInt(body, 0);
                    long ts = ((getInt(body, 4) & 0xffffffffL) << 32) | (getInt(body, 8) & 0xffffffffL);
                    int capLen = getInt(body, 12);
                    int origLen = getInt(body, 16);
                    return frame(ifId, ts, origLen, body, 20, Math.min(capLen, body.length - 20));
                }
                case 3 -> { // simple packet block: interface 0, no timestamp
                    int origLen = getInt(body, 0);
                    return frame(0, 0, origLen, body, 4, Math.min(origLen, body.length - 4));
                }
                case 2 -> { // obsolete packet block
                    int ifId = getInt(body, 0) & 0xffff;
                    long ts = ((getInt(body, 4) & 0xffffffffL) << 32) | (getInt(body, 8) & 0xffffffffL);
                    int capLen = getInt(body, 12);
                    int origLen = getInt(body, 16);
                    return frame(ifId, ts, origLen, body, 20, Math.min(capLen, body.length - 20));
                }
                default -> { } // statistics, name resolution, custom...: skipped
            }
        }
    }

    /** A wire length below the captured length or beyond any real frame (fuzzed files) is clamped. */
    static int wireLength(int origLen, int capLen) {
        return origLen < capLen || origLen > MAX_WIRE_LENGTH ? Math.max(capLen, 0) : origLen;
    }

    private PcapFrame frame(int ifId, long ticks, int origLen, byte[] body, int offset, int capLen) {
        int link = ifId < ifLinkTypes.size() ? ifLinkTypes.get(ifId)[0] : -1;
        long tps = ifId < ifTicksPerSecond.size() ? ifTicksPerSecond.get(ifId) : 1_000_000L;
        long micros = tps == 1_000_000L ? ticks
                : (long) ((ticks / (double) tps) * 1e6);
        if (tps > 1_000_000L && tps % 1_000_000L == 0) {
            micros = ticks / (tps / 1_000_000L);
        }
        byte[] data = new byte[Math.max(0, capLen)];
        System.arraycopy(body, offset, data, 0, data.length);
        return new PcapFrame(link, micros, wireLength(origLen, data.length), data);
    }

    private void readInterface(byte[] body) {
        int link = getShort(body, 0);
        long tps = 1_000_000L;
        int pos = 8;
        while (pos + 4 <= body.length) {
            int code = getShort(body, pos);
            int len = getShort(body, pos + 2);
            if (code == 0) {
                break;
            }
            if (code == 9 && len >= 1 && pos + 4 < body.length) {
                int v = body[pos + 4] & 0xff;
                tps = (v & 0x80) == 0 ? pow(10, v & 0x7f) : pow(2, v & 0x7f);
            }
            pos += 4 + ((len + 3) & ~3);
        }
        ifLinkTypes.add(new int[] {link});
        ifTicksPerSecond.add(tps);
    }

    private static long pow(long base, int exp) {
        long r = 1;
        for (int i = 0; i < exp && r < Long.MAX_VALUE / base; i++) {
            r *= base;
        }
        return r;
    }

    private int readInt() throws IOException {
        int v = in.readInt();
        return littleEndian ? Integer.reverseBytes(v) : v;
    }

    private int getInt(byte[] b, int off) {
        int v = ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        return littleEndian ? Integer.reverseBytes(v) : v;
    }

    private int getShort(byte[] b, int off) {
        return littleEndian ? (b[off] & 0xff) | ((b[off + 1] & 0xff) << 8) : ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
