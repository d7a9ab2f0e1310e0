package io.flowpulse.sinks;

import io.flowpulse.ml.features.FlowFeatureNames;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes flows as CSV (Commons CSV) to one local file: 5-tuple, start, end (ISO-8601 UTC, to the
 * microsecond), termination, then every feature of {@link FlowFeatureNames#ALL} by name. For bounded jobs on a
 * local cluster; run it with parallelism 1 (a single writer owns the file).
 */
public final class FlowCsvSink implements Sink<FlowFeatures> {
    private static final long serialVersionUID = 1L;

    private final String path;
    /** Packet-sequence columns after the features (0: none): size_i/iat_ms_i and byte_p_j. */
    private final int sequencePackets;
    private final int bytePackets;
    private final int byteLength;

    public FlowCsvSink(String path) {
        this(path, 0, 0, 0);
    }

    /**
     * With the packet-sequence columns of {@link io.flowpulse.ml.sequence.PacketSequence} after the
     * features: signed sizes and IATs (ms) of the first {@code sequencePackets} packets, and with
     * {@code bytePackets > 0} the first bytes {@code byte_p_j} (0..255, -1 past a packet's captured
     * bytes): the table {@code train} / {@code search-architecture} read.
     */
    public FlowCsvSink(String path, int sequencePackets, int bytePackets, int byteLength) {
        this.path = path;
        this.sequencePackets = sequencePackets;
        this.bytePackets = bytePackets;
        this.byteLength = bytePackets == 0 ? 0 : byteLength;
    }

    private List<String> sequenceNames() {
        return sequencePackets == 0 ? List.of()
                : io.flowpulse.ml.sequence.PacketSequence.featureNames(sequencePackets, bytePackets, byteLength);
    }

    public static List<String> header() {
        List<String> h = new ArrayList<>(List.of("src_ip", "dst_ip", "src_port", "dst_port", "protocol", "start", "end", "termination"));
        h.addAll(FlowFeatureNames.ALL);
        return h;
    }

    public static List<Object> row(FlowFeatures f) {
        FlowKey k = f.getKey();
        List<Object> row = new ArrayList<>(FlowFeatureNames.ALL.size() + 8);
        row.add(ip(k.getSrcIp()));
        row.add(ip(k.getDstIp()));
        row.add(k.getSrcPort());
        row.add(k.getDstPort());
        row.add(k.getProtocol());
        row.add(RecordCsvWriter.iso(f.getStartMicros(), true));
        row.add(RecordCsvWriter.iso(f.getEndMicros(), true));
        row.add(f.getTermination());
        Map<String, Double> features = f.getFeatures();
        for (String name : FlowFeatureNames.ALL) {
            Double v = features.get(name);
            if (v == null) {
                row.add("");
            } else {
                double d = v;
                row.add(d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d);
            }
        }
        return row;
    }

    static String ip(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (IOException e) {
            return "?";
        }
    }

    @Override
    public SinkWriter<FlowFeatures> createWriter(WriterInitContext context) throws IOException {
        Path out = Path.of(path);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        List<String> sequence = sequenceNames();
        List<String> h = header();
        h.addAll(sequence);
        int[] slots = sequence.stream().mapToInt(io.flowpulse.ml.sequence.PacketSequence::slot).toArray();
        double[] values = new double[sequence.size()];
        CSVPrinter w = new CSVPrinter(Files.newBufferedWriter(out, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setHeader(h.toArray(String[]::new)).setRecordSeparator('\n').get());
        return new SinkWriter<>() {
            @Override
            public void write(FlowFeatures element, Context ctx) throws IOException {
                List<Object> row = row(element);
                if (!sequence.isEmpty()) {
                    io.flowpulse.ml.sequence.PacketSequence.fill(sequence, slots, Map.of(), element.getFirstPacketSizes(),
                            element.getFirstPacketDirections(), element.getFirstPacketIatMicros(), element.getFirstPacketBytes(),
                            values);
                    for (double v : values) {
                        row.add(v == Math.rint(v) ? (Object) (long) v : (Object) v);
                    }
                }
                w.printRecord(row);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                w.flush();
            }

            @Override
            public void close() throws IOException {
                w.close();
            }
        };
    }
}
