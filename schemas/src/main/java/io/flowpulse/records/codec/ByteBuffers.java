package io.flowpulse.records.codec;

import java.nio.ByteBuffer;

/** The bytes of an Avro {@code bytes} field, without moving the buffer's position. */
public final class ByteBuffers {
    private ByteBuffers() {}

    public static byte[] copy(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
