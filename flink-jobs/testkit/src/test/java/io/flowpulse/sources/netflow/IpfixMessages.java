package io.flowpulse.sources.netflow;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Hand-built IPFIX messages for the cases a softflowd recording does not contain. */
final class IpfixMessages {
    private final ByteArrayOutputStream sets = new ByteArrayOutputStream();
    private final long exportSeconds;
    private final long sequence;
    private final long domain;

    IpfixMessages(long exportSeconds, long sequence, long domain) {
        this.exportSeconds = exportSeconds;
        this.sequence = sequence;
        this.domain = domain;
    }

    /** A set: id, then the body. */
    IpfixMessages set(int id, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(4 + body.length);
        b.putShort((short) id).putShort((short) (4 + body.length)).put(body);
        sets.writeBytes(b.array());
        return this;
    }

    byte[] build() {
        byte[] body = sets.toByteArray();
        ByteBuffer b = ByteBuffer.allocate(16 + body.length);
        b.putShort((short) 10).putShort((short) (16 + body.length)).putInt((int) exportSeconds).putInt((int) sequence)
                .putInt((int) domain).put(body);
        return b.array();
    }

    /** A template record: id, then (element, length) or (element | 0x8000, length, pen) triples given as int[]. */
    static byte[] template(int id, int[]... fields) {
        ByteBuffer b = ByteBuffer.allocate(4 + fields.length * 8);
        b.putShort((short) id).putShort((short) fields.length);
        for (int[] f : fields) {
            if (f.length == 3) {
                b.putShort((short) (f[0] | 0x8000)).putShort((short) f[1]).putInt(f[2]);
            } else {
                b.putShort((short) f[0]).putShort((short) f[1]);
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    static int[] f(int element, int length) {
        return new int[] {element, length};
    }

    static int[] e(int element, int length, int pen) {
        return new int[] {element, length, pen};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
