package io.flowpulse.functions;

import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.ml.features.DohFeatures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Lets exporter flow records (NetFlow/IPFIX collectors) join the flow path: the counters an
 * exporter has become the same named features the packet path computes.
 */
public class FlowRecordToFeatures implements MapFunction<FlowRecord, FlowFeatures> {
    private static final long serialVersionUID = 1L;

    @Override
    public FlowFeatures map(FlowRecord r) {
        // features the exporter computed itself (e.g. CICFlowMeter columns) first; ours by name after
        Map<String, Double> f = new HashMap<>(r.getFeatures());
        double durationMs = Math.max(0, r.getEndMicros() - r.getStartMicros()) / 1000.0;
        long packets = r.getFwdPackets() + r.getBwdPackets();
        long bytes = r.getFwdBytes() + r.getBwdBytes();
        f.put("bidirectional_packets", (double) packets);
        f.put("bidirectional_bytes", (double) bytes);
        f.put("src2dst_packets", (double) r.getFwdPackets());
        f.put("dst2src_packets", (double) r.getBwdPackets());
        f.put("src2dst_bytes", (double) r.getFwdBytes());
        f.put("dst2src_bytes", (double) r.getBwdBytes());
        f.put("bidirectional_duration_ms", durationMs);
        f.put("flow_bytes_per_s", durationMs > 0 ? bytes / (durationMs / 1000.0) : 0.0);
        f.put("flow_packets_per_s", durationMs > 0 ? packets / (durationMs / 1000.0) : 0.0);
        List<Integer> sizes = r.getPacketLengths();
        List<Integer> dirs = r.getPacketDirections();
        List<Long> times = r.getPacketTimesMicros();
        List<Long> iats = new ArrayList<>(times.size());
        if (!sizes.isEmpty() && sizes.size() == dirs.size()) {
            int[] l = sizes.stream().mapToInt(Integer::intValue).toArray();
            int[] d = dirs.stream().mapToInt(Integer::intValue).toArray();
            long[] t = times.size() == l.length ? times.stream().mapToLong(Long::longValue).toArray() : new long[0];
            for (int i = 0; i < t.length; i++) {
                iats.add(i == 0 ? 0L : t[i] - t[i - 1]);
            }
            // the 24 DoH features of ALF, from the exporter's per-packet arrays
            DohFeatures.compute(r.getFwdPackets(), r.getBwdPackets(), r.getFwdBytes(), r.getBwdBytes(), durationMs, l, d, t, f);
        }
        return FlowFeatures.newBuilder()
                .setKey(r.getKey())
                .setFirstPacketSizes(sizes)
                .setFirstPacketDirections(dirs)
                .setFirstPacketIatMicros(iats)
                .setStartMicros(r.getStartMicros())
                .setEndMicros(r.getEndMicros())
                .setTermination(FlowTermination.EXPORTER)
                .setFeatures(f)
                .setSource(r.getExporter())
                .build();
    }
}
