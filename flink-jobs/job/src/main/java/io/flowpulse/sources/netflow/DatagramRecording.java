package io.flowpulse.sources.netflow;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recorded export datagrams, as the test data and {@code collect --record} keep them: the 6 bytes
 * {@code "FPDG1\n"}, then per datagram a 4-byte big-endian length and the UDP payload as received.
 */
public final class DatagramRecording {
    static final byte[] MAGIC = "FPDG1\n".getBytes(StandardCharsets.US_ASCII);

    private DatagramRecording() {}

    public static List<byte[]> read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    public static List<byte[]> read(InputStream in, String name) throws IOException {
        return parse(in.readAllBytes(), name);
    }

    static List<byte[]> parse(byte[] all, String name) throws IOException {
        if (all.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new IOException(name + ": not a datagram recording (no FPDG1 header)");
        }
        ByteBuffer b = ByteBuffer.wrap(all);
        b.position(MAGIC.length);
        List<byte[]> out = new ArrayList<>();
        while (b.remaining() >= 4) {
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) {
                throw new IOException(name + ": truncated datagram " + out.size());
            }
            byte[] d = new byte[n];
            b.get(d);
            out.add(d);
        }
        return out;
    }

    /** Appends datagrams to a new recording file. */
    public static final class Writer implements Closeable {
        private final DataOutputStream out;

        public Writer(Path file) throws IOException {
            OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
            os.write(MAGIC);
            this.out = new DataOutputStream(os);
        }

        public void write(byte[] buf, int offset, int length) throws IOException {
            out.writeInt(length);
            out.write(buf, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
