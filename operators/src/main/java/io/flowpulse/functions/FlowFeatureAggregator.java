package io.flowpulse.functions;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Assembles packets into bidirectional flows keyed by {@link FlowKeySelector}, in event time, and
 * emits one {@link FlowFeatures} per flow with every feature of
 * {@link io.flowpulse.ml.features.FlowFeatureNames} and its {@link FlowTermination} reason.
 *
 * <ul>
 *   <li>The first packet of a flow defines its forward direction (the key's {@code src}).
 *   <li>TCP close: a RST, or FIN seen in both directions, closes the flow. A closed flow lingers for
 *       {@link FlowAggregatorParams#closingTimeoutMicros} of event time and counts what still
 *       belongs to the connection (the closing ACK, retransmitted FINs, further RSTs, data in
 *       flight), so no residual 1-packet flows appear; then it is emitted with {@code FIN} or
 *       {@code RST}. A SYN arriving meanwhile ends it at once and opens a new flow.
 *   <li>Idle timeout ({@code now - last >= idle}) and active timeout ({@code now - start >= active})
 *       are checked when a packet arrives and fire from event-time timers when none does. One
 *       timer per flow, re-armed lazily in {@link #onTimer} instead of moved on every packet.
 *   <li>A flow split at the active timeout leaves a tiny continuation marker (no packets, cleared
 *       by its own idle-timeout timer) so that its continuation keeps the original direction.
 *   <li>The first {@link FlowAggregatorParams#firstPackets} packets (IP length, direction, IAT) are
 *       appended to a {@link ListState} of packed longs: an append per packet, never a rewrite of a
 *       collection, which is cheap on RocksDB (merge operator).
 *   <li>Packets behind the watermark go to {@link SideOutputs#LATE_PACKETS} and are counted.
 *   <li>All keyed state of a flow is cleared when it is emitted; at the end of a bounded input the
 *       watermark jumps to +inf and every open flow is emitted with {@link FlowTermination#END_OF_INPUT}.
 * </ul>
 */
public class FlowFeatureAggregator extends KeyedProcessFunction<String, PacketEvent, FlowFeatures> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<FlowState> FLOW_STATE =
            new ValueStateDescriptor<>("flow", FlowState.class);
    /** First N packets of the flow, each packed by {@link #packFirstPacket}. */
    static final ListStateDescriptor<Long> FIRST_PACKETS =
            new ListStateDescriptor<>("first-packets", Types.LONG);

    private static final int SIZE_BITS = 20;
    private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;
    private static final long IAT_MAX = (1L << 42) - 1;

    private final FlowAggregatorParams params;
    private transient ValueState<FlowState> flowState;
    private transient ListState<Long> firstPackets;
    private transient Counter latePackets;
    private transient Counter flowsEmitted;

    public FlowFeatureAggregator(FlowAggregatorParams params) {
        this.params = params;
    }

    @Override
    public void open(OpenContext openContext) {
        flowState = getRuntimeContext().getState(FLOW_STATE);
        firstPackets = getRuntimeContext().getListState(FIRST_PACKETS);
        latePackets = getRuntimeContext().getMetricGroup().counter("latePackets");
        flowsEmitted = getRuntimeContext().getMetricGroup().counter("flowsEmitted");
    }

    @Override
    public void processElement(PacketEvent p, Context ctx, Collector<FlowFeatures> out) throws Exception {
        long ts = p.getTimestampMicros();
        long watermarkMillis = ctx.timerService().currentWatermark();
        if (watermarkMillis != Long.MIN_VALUE && Math.floorDiv(ts, 1000) < watermarkMillis) {
            latePackets.inc();
            ctx.output(SideOutputs.LATE_PACKETS, p);
            return;
        }
        int flags = p.getTcpFlags();
        FlowState s = flowState.value();
        if (s != null) {
            FlowStatistics st = s.stats;
            if (st.packets() == 0) {
                // continuation marker of a flow split at the active timeout: keep its direction
                s.continuationUntilMicros = -1;
            } else if (ts - st.lastMicros >= params.idleTimeoutMicros) {
                emit(s, FlowTermination.IDLE_TIMEOUT, out);
                s = restart(s, false);
            } else if (ts - st.firstMicros >= params.activeTimeoutMicros) {
                emit(s, FlowTermination.ACTIVE_TIMEOUT, out);
                s = restart(s, true);
            } else if (s.closingSinceMicros >= 0 && ((flags & FlowStatistics.SYN) != 0
                    || ts - s.closingSinceMicros >= params.closingTimeoutMicros)) {
                emit(s, closeReason(s), out); // a new connection on the same 5-tuple, or after the linger
                s = restart(s, false);
            }
        }
        if (s == null) {
            s = new FlowState();
        }
        if (s.srcIp == null) {
            s.open(p);
        }
        boolean forward = s.isForward(p);
        FlowStatistics st = s.stats;
        if (s.firstPacketsStored < params.firstPackets) {
            long iat = st.packets() == 0 ? 0 : Math.max(0, ts - st.lastMicros);
            firstPackets.add(packFirstPacket(p.getIpLength(), forward, iat));
            s.firstPacketsStored++;
        }
        st.add(ts, forward, p.getLinkLength(), p.getIpLength(), p.getL4HeaderLength(), p.getPayloadLength(),
                flags, p.getTcpWindow(), params.activityTimeoutMicros);

        if (s.closingSinceMicros < 0) {
            if ((flags & FlowStatistics.RST) != 0) {
                s.closingSinceMicros = ts;
                s.closedByRst = true;
            } else if ((flags & FlowStatistics.FIN) != 0) {
                if (forward) {
                    s.finForward = true;
                } else {
                    s.finBackward = true;
                }
                if (s.finForward && s.finBackward) {
                    s.closingSinceMicros = ts;
                }
            }
        }
        armTimer(s, ctx);
        flowState.update(s);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<FlowFeatures> out) throws Exception {
        FlowState s = flowState.value();
        if (s == null) {
            return;
        }
        s.timerMillis = Long.MIN_VALUE;
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        if (s.stats.packets() == 0) { // continuation marker that saw no packet
            if (endOfInput || deadlineMillis(s) <= timestamp) {
                flowState.clear();
            } else {
                armTimer(s, ctx);
                flowState.update(s);
            }
            return;
        }
        if (endOfInput) {
            emit(s, s.closingSinceMicros >= 0 ? closeReason(s) : FlowTermination.END_OF_INPUT, out);
            clear(s, ctx);
            return;
        }
        if (deadlineMillis(s) > timestamp) {
            armTimer(s, ctx); // the flow saw packets since the timer was set: re-arm lazily
            flowState.update(s);
            return;
        }
        if (s.closingSinceMicros >= 0 && closingDeadlineMillis(s) <= timestamp) {
            emit(s, closeReason(s), out);
            clear(s, ctx);
        } else if (Math.floorDiv(s.stats.lastMicros + params.idleTimeoutMicros, 1000) + 1 <= timestamp) {
            emit(s, FlowTermination.IDLE_TIMEOUT, out);
            clear(s, ctx);
        } else {
            emit(s, FlowTermination.ACTIVE_TIMEOUT, out);
            firstPackets.clear();
            FlowState marker = restart(s, true);
            marker.continuationUntilMicros = timestamp * 1000 + params.idleTimeoutMicros;
            armTimer(marker, ctx);
            flowState.update(marker);
        }
    }

    /** Event time (ms) at which the flow ends if no further packet arrives. */
    private long deadlineMillis(FlowState s) {
        if (s.stats.packets() == 0) {
            return Math.floorDiv(s.continuationUntilMicros, 1000) + 1;
        }
        long idle = s.stats.lastMicros + params.idleTimeoutMicros;
        long active = s.stats.firstMicros + params.activeTimeoutMicros;
        long deadline = Math.floorDiv(Math.min(idle, active), 1000) + 1;
        return s.closingSinceMicros >= 0 ? Math.min(deadline, closingDeadlineMillis(s)) : deadline;
    }

    private long closingDeadlineMillis(FlowState s) {
        return Math.floorDiv(s.closingSinceMicros + params.closingTimeoutMicros, 1000) + 1;
    }

    /** Registers the flow's single timer, or moves it earlier; a later deadline is handled in onTimer. */
    private void armTimer(FlowState s, Context ctx) {
        long deadline = deadlineMillis(s);
        if (s.timerMillis == Long.MIN_VALUE || deadline < s.timerMillis) {
            if (s.timerMillis != Long.MIN_VALUE) {
                ctx.timerService().deleteEventTimeTimer(s.timerMillis);
            }
            s.timerMillis = deadline;
            ctx.timerService().registerEventTimeTimer(deadline);
        }
    }

    private void clear(FlowState s, Context ctx) {
        if (s.timerMillis != Long.MIN_VALUE) {
            ctx.timerService().deleteEventTimeTimer(s.timerMillis);
        }
        flowState.clear();
        firstPackets.clear();
    }

    /**
     * Fresh flow state on the same key after an emission. Keeps the still registered timer, and the
     * endpoints (so the direction) when {@code keepDirection}; otherwise the next packet decides.
     */
    private FlowState restart(FlowState old, boolean keepDirection) {
        firstPackets.clear();
        FlowState s = new FlowState();
        s.timerMillis = old.timerMillis;
        if (keepDirection) {
            s.srcIp = old.srcIp;
            s.dstIp = old.dstIp;
            s.srcPort = old.srcPort;
            s.dstPort = old.dstPort;
            s.protocol = old.protocol;
            s.source = old.source;
        }
        return s;
    }

    private static FlowTermination closeReason(FlowState s) {
        return s.closedByRst ? FlowTermination.RST : FlowTermination.FIN;
    }

    static long packFirstPacket(int ipLength, boolean forward, long iatMicros) {
        long size = Math.min(Math.max(ipLength, 0), SIZE_MASK);
        return (Math.min(iatMicros, IAT_MAX) << (SIZE_BITS + 1)) | ((forward ? 1L : 0L) << SIZE_BITS) | size;
    }

    private void emit(FlowState s, FlowTermination reason, Collector<FlowFeatures> out) throws Exception {
        flowsEmitted.inc();
        List<Integer> sizes = new ArrayList<>(s.firstPacketsStored);
        List<Integer> directions = new ArrayList<>(s.firstPacketsStored);
        List<Long> iats = new ArrayList<>(s.firstPacketsStored);
        if (s.firstPacketsStored > 0) {
            Iterable<Long> packed = firstPackets.get();
            if (packed != null) {
                for (long v : packed) {
                    sizes.add((int) (v & SIZE_MASK));
                    directions.add(((v >>> SIZE_BITS) & 1) == 1 ? 1 : -1);
                    iats.add(v >>> (SIZE_BITS + 1));
                }
            }
        }
        out.collect(FlowFeatures.newBuilder()
                .setKey(FlowKey.newBuilder()
                        .setSrcIp(ByteBuffer.wrap(s.srcIp)).setDstIp(ByteBuffer.wrap(s.dstIp))
                        .setSrcPort(s.srcPort).setDstPort(s.dstPort).setProtocol(s.protocol).build())
                .setStartMicros(s.stats.firstMicros)
                .setEndMicros(s.stats.lastMicros)
                .setTermination(reason)
                .setFeatures(s.stats.toFeatures())
                .setFirstPacketSizes(sizes)
                .setFirstPacketDirections(directions)
                .setFirstPacketIatMicros(iats)
                .setSource(s.source)
                .build());
    }

    /**
     * Per-flow state: endpoints, TCP close tracking, the timer and {@link FlowStatistics} (bounded
     * scalars, about 1 KB serialized). A POJO, serialized without Kryo.
     */
    public static class FlowState {
        /** Forward (first packet's) source address; null until the flow's first packet. */
        public byte[] srcIp;
        public byte[] dstIp;
        public int srcPort;
        public int dstPort;
        public int protocol;
        /** Capture point or file of the first packet, copied to {@link FlowFeatures#getSource()}. */
        public String source;
        public FlowStatistics stats = new FlowStatistics();
        public boolean finForward;
        public boolean finBackward;
        /** Time of the RST, or of the packet that completed FIN in both directions; -1 while open. */
        public long closingSinceMicros = -1;
        /** The close was a RST (else FIN in both directions). */
        public boolean closedByRst;
        public int firstPacketsStored;
        /** Event time of the one registered timer, Long.MIN_VALUE when none. */
        public long timerMillis = Long.MIN_VALUE;
        /** For a continuation marker (no packets yet): when it expires. */
        public long continuationUntilMicros = -1;

        public FlowState() {}

        /** The first packet defines the forward direction. */
        void open(PacketEvent p) {
            srcIp = io.flowpulse.records.codec.ByteBuffers.copy(p.getSrcIp());
            dstIp = io.flowpulse.records.codec.ByteBuffers.copy(p.getDstIp());
            srcPort = p.getSrcPort();
            dstPort = p.getDstPort();
            protocol = p.getProtocol();
            source = p.getSourceId();
        }

        boolean isForward(PacketEvent p) {
            if (p.getSrcPort() != srcPort || p.getDstPort() != dstPort) {
                return false;
            }
            ByteBuffer src = p.getSrcIp();
            if (src.remaining() != srcIp.length) {
                return false;
            }
            for (int i = 0; i < srcIp.length; i++) {
                if (src.get(src.position() + i) != srcIp[i]) {
                    return false;
                }
            }
            return true;
        }

    }
}
