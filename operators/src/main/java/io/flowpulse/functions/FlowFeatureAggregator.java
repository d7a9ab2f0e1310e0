package io.flowpulse.functions;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Assembles packets into bidirectional flows keyed by {@link FlowKeySelector}, in event time.
 * Terminates on RST, FIN in both directions, idle timeout and active timeout (event-time timers,
 * one pending timer per flow re-armed lazily so packets do not churn the timer service).
 */
public class FlowFeatureAggregator extends KeyedProcessFunction<String, PacketEvent, FlowFeatures> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<FlowState> FLOW_STATE =
            new ValueStateDescriptor<>("flow", FlowState.class);

    static final int FIN = 1;
    static final int RST = 4;

    private final FlowAggregatorParams params;
    private transient ValueState<FlowState> flowState;
    private transient Counter latePackets;
    private transient Counter flowsEmitted;

    public FlowFeatureAggregator(FlowAggregatorParams params) {
        this.params = params;
    }

    @Override
    public void open(OpenContext openContext) {
        flowState = getRuntimeContext().getState(FLOW_STATE);
        latePackets = getRuntimeContext().getMetricGroup().counter("latePackets");
        flowsEmitted = getRuntimeContext().getMetricGroup().counter("flowsEmitted");
    }

    @Override
    public void processElement(PacketEvent p, Context ctx, Collector<FlowFeatures> out) throws Exception {
        long ts = p.getTimestampMicros();
        long watermarkMillis = ctx.timerService().currentWatermark();
        if (watermarkMillis != Long.MIN_VALUE && ts / 1000 < watermarkMillis) {
            latePackets.inc();
            ctx.output(SideOutputs.LATE_PACKETS, p);
            return;
        }
        FlowState s = flowState.value();
        if (s != null && (ts - s.lastMicros > params.idleTimeoutMicros
                || ts - s.startMicros > params.activeTimeoutMicros)) {
            emit(s, ts - s.lastMicros > params.idleTimeoutMicros
                    ? FlowTermination.IDLE_TIMEOUT : FlowTermination.ACTIVE_TIMEOUT, out);
            s = null;
        }
        if (s == null) {
            s = FlowState.start(p);
        }
        boolean forward = s.isForward(p);
        boolean wasClosing = s.finForward && s.finBackward;
        s.add(p, forward);
        if (wasClosing) {
            // the closing ACK after FINs in both directions belongs to the flow
            emit(s, FlowTermination.FIN, out);
            clear(ctx);
            return;
        }
        int flags = p.getTcpFlags();
        if ((flags & FIN) != 0) {
            if (forward) {
                s.finForward = true;
            } else {
                s.finBackward = true;
            }
        }
        if ((flags & RST) != 0) {
            emit(s, FlowTermination.RST, out);
            clear(ctx);
            return;
        }
        long deadline = deadlineMillis(s);
        if (s.timerMillis == Long.MIN_VALUE || deadline < s.timerMillis) {
            if (s.timerMillis != Long.MIN_VALUE) {
                ctx.timerService().deleteEventTimeTimer(s.timerMillis);
            }
            s.timerMillis = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
        }
        flowState.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FlowFeatures> out) throws Exception {
        FlowState s = flowState.value();
        if (s == null) {
            return;
        }
        long deadline = deadlineMillis(s);
        if (deadline <= timestamp) {
            boolean active = s.startMicros / 1000 + params.activeTimeoutMicros / 1000 <= timestamp;
            emit(s, s.finForward && s.finBackward ? FlowTermination.FIN
                    : active ? FlowTermination.ACTIVE_TIMEOUT : FlowTermination.IDLE_TIMEOUT, out);
            flowState.clear();
        } else {
            s.timerMillis = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
            flowState.update(s);
        }
    }

    private long deadlineMillis(FlowState s) {
        if (s.finForward && s.finBackward) {
            return s.lastMicros / 1000 + 1000; // 1 s grace for the closing ACK
        }
        return Math.min(s.lastMicros + params.idleTimeoutMicros, s.startMicros + params.activeTimeoutMicros) / 1000 + 1;
    }

    private void clear(Context ctx) throws Exception {
        FlowState s = flowState.value();
        if (s != null && s.timerMillis != Long.MIN_VALUE) {
            ctx.timerService().deleteEventTimeTimer(s.timerMillis);
        }
        flowState.clear();
    }

    private void emit(FlowState s, FlowTermination reason, Collector<FlowFeatures> out) {
        flowsEmitted.inc();
        Map<String, Double> f = new HashMap<>();
        f.put("bidirectional_packets", (double) (s.fwdPackets + s.bwdPackets));
        f.put("bidirectional_bytes", (double) (s.fwdLinkBytes + s.bwdLinkBytes));
        f.put("src2dst_packets", (double) s.fwdPackets);
        f.put("dst2src_packets", (double) s.bwdPackets);
        f.put("src2dst_bytes", (double) s.fwdLinkBytes);
        f.put("dst2src_bytes", (double) s.bwdLinkBytes);
        f.put("bidirectional_duration_ms", (s.lastMicros - s.startMicros) / 1000.0);
        out.collect(FlowFeatures.newBuilder()
                .setKey(FlowKey.newBuilder()
                        .setSrcIp(ByteBuffer.wrap(s.srcIp)).setDstIp(ByteBuffer.wrap(s.dstIp))
                        .setSrcPort(s.srcPort).setDstPort(s.dstPort).setProtocol(s.protocol).build())
                .setStartMicros(s.startMicros)
                .setEndMicros(s.lastMicros)
                .setTermination(reason)
                .setFeatures(f)
                .build());
    }

    /** Per-flow state: a POJO of scalars, rewritten per packet (bounded, ~100 bytes). */
    public static class FlowState {
        public byte[] srcIp;
        public byte[] dstIp;
        public int srcPort;
        public int dstPort;
        public int protocol;
        public long startMicros;
        public long lastMicros;
        public long fwdPackets;
        public long bwdPackets;
        public long fwdLinkBytes;
        public long bwdLinkBytes;
        public boolean finForward;
        public boolean finBackward;
        public long timerMillis = Long.MIN_VALUE;

        public FlowState() {}

        static FlowState start(PacketEvent p) {
            FlowState s = new FlowState();
            s.srcIp = bytes(p.getSrcIp());
            s.dstIp = bytes(p.getDstIp());
            s.srcPort = p.getSrcPort();
            s.dstPort = p.getDstPort();
            s.protocol = p.getProtocol();
            s.startMicros = p.getTimestampMicros();
            s.lastMicros = p.getTimestampMicros();
            return s;
        }

        boolean isForward(PacketEvent p) {
            return p.getSrcPort() == srcPort && p.getDstPort() == dstPort
                    && java.util.Arrays.equals(bytes(p.getSrcIp()), srcIp);
        }

        void add(PacketEvent p, boolean forward) {
            lastMicros = Math.max(lastMicros, p.getTimestampMicros());
            if (forward) {
                fwdPackets++;
                fwdLinkBytes += p.getLinkLength();
            } else {
                bwdPackets++;
                bwdLinkBytes += p.getLinkLength();
            }
        }

        private static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.duplicate().get(out);
            return out;
        }
    }
}
