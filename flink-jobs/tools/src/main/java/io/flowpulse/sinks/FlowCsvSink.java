package io.flowpulse.sinks;

import io.flowpulse.ml.features.FlowFeatureNames;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Writes flows as CSV to one local file: 5-tuple, start, end (microseconds since the epoch),
 * termination, then every feature of {@link FlowFeatureNames#ALL} by name. For bounded jobs on a
 * local cluster; run it with parallelism 1 (a single writer owns the file).
 */
public final class FlowCsvSink implements Sink<FlowFeatures> {
    private static final long serialVersionUID = 1L;

    private final String path;

    public FlowCsvSink(String path) {
        this.path = path;
    }

    public static String header() {
        StringBuilder sb = new StringBuilder("src_ip,dst_ip,src_port,dst_port,protocol,start_micros,end_micros,termination");
        for (String name : FlowFeatureNames.ALL) {
            sb.append(',').append(name);
        }
        return sb.toString();
    }

    public static String row(FlowFeatures f) {
        FlowKey k = f.getKey();
        StringBuilder sb = new StringBuilder(1024)
                .append(ip(k.getSrcIp())).append(',').append(ip(k.getDstIp())).append(',')
                .append(k.getSrcPort()).append(',').append(k.getDstPort()).append(',').append(k.getProtocol()).append(',')
                .append(f.getStartMicros()).append(',').append(f.getEndMicros()).append(',').append(f.getTermination());
        Map<String, Double> features = f.getFeatures();
        for (String name : FlowFeatureNames.ALL) {
            Double v = features.get(name);
            sb.append(',');
            if (v != null) {
                double d = v;
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    sb.append((long) d);
                } else {
                    sb.append(d);
                }
            }
        }
        return sb.toString();
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
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        w.write(header());
        w.newLine();
        return new SinkWriter<>() {
            @Override
            public void write(FlowFeatures element, Context ctx) throws IOException {
                w.write(row(element));
                w.newLine();
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
