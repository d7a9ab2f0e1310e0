package io.flowpulse.sources.netflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The softflowd exports under {@code src/test/resources/netflow/softflowd/} (recorded once by
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

    @Override
    public String toString() {
        return name;
    }
}
