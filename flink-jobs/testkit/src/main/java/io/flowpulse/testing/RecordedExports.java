package io.flowpulse.testing;

import io.flowpulse.sources.netflow.DatagramRecording;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The softflowd exports under {@code netflow/softflowd/} of this module's resources (recorded once by
 * {@code record-softflowd.sh}) and the exporter's own counts of each ({@code EXPECTED.tsv}: softflowd's
 * statistics at exit, and nfdump's sums over the same datagrams received by nfcapd).
 */
public record RecordedExports(String name, long records, long packets, long octets) {
    static final String DIR = "/netflow/softflowd/";

    public static List<RecordedExports> all() throws IOException {
        List<RecordedExports> out = new ArrayList<>();
        try (InputStream in = RecordedExports.class.getResourceAsStream(DIR + "EXPECTED.tsv")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] c = lines[i].split("\t");
                out.add(new RecordedExports(c[0], Long.parseLong(c[1]), Long.parseLong(c[2]), Long.parseLong(c[3])));
            }
        }
        return out;
    }

    public static RecordedExports named(String name) throws IOException {
        return all().stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow();
    }

    public List<byte[]> datagrams() throws IOException {
        try (InputStream in = RecordedExports.class.getResourceAsStream(DIR + name + ".datagrams")) {
            return DatagramRecording.read(in, name);
        }
    }

    /** Datagrams no exporter should send, each rejected whole by the decoder; {@code good} is an IPFIX datagram. */
    public static List<byte[]> malformed(byte[] good) {
        List<byte[]> out = new ArrayList<>();
        out.add(Arrays.copyOf(good, 10)); // shorter than the IPFIX header
        byte[] v = good.clone();
        ByteBuffer.wrap(v).putShort(0, (short) 8); // NetFlow v8 is not supported
        out.add(v);
        byte[] len = good.clone();
        ByteBuffer.wrap(len).putShort(2, (short) (good.length + 100)); // message length past the datagram
        out.add(len);
        byte[] set = good.clone();
        ByteBuffer.wrap(set).putShort(18, (short) 65000); // first set runs past the message
        out.add(set);
        out.add(new byte[] {0, 9, 0, 1}); // a v9 header cut short
        out.add("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // not NetFlow at all
        return out;
    }

    /** Sends datagrams from a socket bound to {@code from} (any 127.x address), paced as an exporter would. */
    public static void send(String from, InetSocketAddress to, List<byte[]> datagrams) throws IOException, InterruptedException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(from, 0))) {
            for (byte[] d : datagrams) {
                s.send(new DatagramPacket(d, d.length, to));
                Thread.sleep(2); // loopback drops what the receive buffer cannot hold
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
