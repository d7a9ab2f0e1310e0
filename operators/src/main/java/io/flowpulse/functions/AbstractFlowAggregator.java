package io.flowpulse.functions;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketBatch;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.functions.FlowFeatureAggregator.FlowState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The flow operator's machinery ({@link FlowFeatureAggregator} describes it): state, mini-batch,
 * timers, emission. Its inputs: {@link FlowFeatureAggregator} takes one {@link FlowPacket} per
 * record, {@link FlowFeatureAggregator.Batched} the packets of one flow per record
 * ({@link FlowPacketBatch}, issue 13), both through {@link #processPacket}: the same flows.
 */
public abstract class AbstractFlowAggregator<IN> extends AbstractStreamOperator<FlowFeatures>
        implements OneInputStreamOperator<IN, FlowFeatures>, Triggerable<FlowPacketKey, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    static final ValueStateDescriptor<FlowState> FLOW_STATE =
            new ValueStateDescriptor<>("flow", FlowStateSerializer.INSTANCE);
    private static final int SIZE_BITS = 20;
    private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;
    private static final long IAT_MAX = (1L << 42) - 1;
    /** Marks a flow whose state is to be cleared at the next flush. */
    private static final FlowState CLEARED = new FlowState();

    final FlowAggregatorParams params;
    private final int miniBatchFlows;
    private transient ValueState<FlowState> flowState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient TimestampedCollector<FlowFeatures> collector;
    /** Flows touched since the last flush (key -> state or {@link #CLEARED}); null when writing through. */
    private transient HashMap<Object, FlowState> batch;
    private transient Counter latePackets;
    private transient Counter flowsEmitted;

    AbstractFlowAggregator(FlowAggregatorParams params, int miniBatchFlows) {
        this.params = params;
        this.miniBatchFlows = miniBatchFlows;
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        flowState = getPartitionedState(FLOW_STATE);
        batch = miniBatchFlows > 1 ? new HashMap<>(Math.min(miniBatchFlows, 1 << 16) * 2) : null;
        latePackets = getMetricGroup().counter("latePackets");
        flowsEmitted = getMetricGroup().counter("flowsEmitted");
    }

    /** Flows held in memory, not yet written to the state backend (for tests). */
    int pendingFlows() {
        return batch == null ? 0 : batch.size();
    }

    /**
     * The packets of one flow that crossed the keyBy edge together ({@link FlowFeatureAggregator.Batched}): each exactly
     * as {@link #processPacket} handles it, the flow's state loaded and stored once for the batch.
     */
    final void processBatch(FlowPacketBatch batch) throws Exception {
        Object key = getCurrentKey();
        FlowState s = null;
        boolean loaded = false;
        for (int i = 0, n = batch.size(); i < n; i++) {
            FlowPacket p = batch.packet(i);
            long recordTimestamp = batch.timestamp(i);
            if (isLate(p, recordTimestamp)) {
                continue;
            }
            if (!loaded) {
                s = load(key);
                loaded = true;
            }
            s = onPacket(s, p, recordTimestamp);
        }
        if (loaded) {
            store(key, s);
            flushIfFull();
        }
    }

    /** A packet behind the watermark: counted and sent to {@link SideOutputs#LATE_PACKETS}. */
    /** One packet of the current key's flow, as its own record. */
    final void processPacket(FlowPacket p, long recordTimestamp) throws Exception {
        if (isLate(p, recordTimestamp)) {
            return;
        }
        Object key = getCurrentKey();
        store(key, onPacket(load(key), p, recordTimestamp));
        flushIfFull();
    }

    private boolean isLate(FlowPacket p, long recordTimestamp) {
        long watermarkMillis = timers.currentWatermark();
        if (watermarkMillis != Long.MIN_VALUE && Math.floorDiv(p.timestampMicros, 1000) < watermarkMillis) {
            latePackets.inc();
            output.collect(SideOutputs.LATE_PACKETS, new StreamRecord<>(p, recordTimestamp));
            return true;
        }
        return false;
    }

    /** One in-time packet of the current key's flow whose state is {@code s} (null: none); returns the state after it. */
    private FlowState onPacket(FlowState s, FlowPacket p, long recordTimestamp) {
        long ts = p.timestampMicros;
        if (recordTimestamp == Long.MIN_VALUE) {
            collector.eraseTimestamp();
        } else {
            collector.setAbsoluteTimestamp(recordTimestamp);
        }
        int flags = p.tcpFlags;
        if (s != null) {
            FlowStatistics st = s.stats;
            // A flow this packet finds ended ends exactly as its timer would have ended it, had the
            // watermark passed the deadline before the packet came (whether it did depends on how
            // fast the other input partitions are read): same reason, and same direction after.
            FlowTermination ended = st.packets() == 0 ? null : endedBy(s, ts);
            if (st.packets() == 0) {
                // continuation marker of a flow split at the active timeout: keep its direction
                // until the marker expires
                s = ts < s.continuationUntilMicros ? s : restart(s, false);
                s.continuationUntilMicros = -1;
            } else if (ended != null) {
                emit(s, ended);
                s = restart(s, ended == FlowTermination.ACTIVE_TIMEOUT
                        && ts < continuationUntilMicros(Math.floorDiv(st.firstMicros + params.activeTimeoutMicros, 1000) + 1));
            } else if (s.closingSinceMicros >= 0 && (flags & FlowStatistics.SYN) != 0) {
                emit(s, closeReason(s)); // a new connection on the same 5-tuple
                s = restart(s, false);
            }
        }
        if (s == null) {
            s = new FlowState();
        }
        if (s.ipVersion == 0) {
            s.open(p);
        }
        boolean forward = s.isForward(p);
        FlowStatistics st = s.stats;
        if (s.firstPacketsStored < params.firstPackets) {
            long iat = st.packets() == 0 ? 0 : Math.max(0, ts - st.lastMicros);
            s.addFirstPacket(packFirstPacket(p.ipLength, forward, iat), params.firstPackets);
        }
        st.add(ts, forward, p.linkLength, p.ipLength, p.l4HeaderLength, p.payloadLength,
                flags, p.tcpWindow, params.activityTimeoutMicros);

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
        armTimer(s);
        return s;
    }

    @Override
    public void onEventTime(InternalTimer<FlowPacketKey, VoidNamespace> timer) throws Exception {
        long timestamp = timer.getTimestamp();
        collector.setAbsoluteTimestamp(timestamp);
        Object key = getCurrentKey();
        FlowState s = load(key);
        if (s == null) {
            return;
        }
        s.timerMillis = Long.MIN_VALUE;
        boolean endOfInput = timers.currentWatermark() == Long.MAX_VALUE;
        if (s.stats.packets() == 0) { // continuation marker that saw no packet
            if (endOfInput || deadlineMillis(s) <= timestamp) {
                remove(key);
            } else {
                armTimer(s);
                store(key, s);
            }
        } else if (endOfInput) {
            emit(s, s.closingSinceMicros >= 0 ? closeReason(s) : FlowTermination.END_OF_INPUT);
            clear(key, s);
        } else if (deadlineMillis(s) > timestamp) {
            armTimer(s); // the flow saw packets since the timer was set: re-arm lazily
            store(key, s);
        } else if (s.closingSinceMicros >= 0 && closingDeadlineMillis(s) <= timestamp) {
            emit(s, closeReason(s));
            clear(key, s);
        } else if (Math.floorDiv(s.stats.lastMicros + params.idleTimeoutMicros, 1000) + 1 <= timestamp) {
            emit(s, FlowTermination.IDLE_TIMEOUT);
            clear(key, s);
        } else {
            emit(s, FlowTermination.ACTIVE_TIMEOUT);
            FlowState marker = restart(s, true);
            marker.continuationUntilMicros = continuationUntilMicros(timestamp);
            armTimer(marker);
            store(key, marker);
        }
        flushIfFull();
    }

    @Override
    public void onProcessingTime(InternalTimer<FlowPacketKey, VoidNamespace> timer) {
        // no processing-time timers
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(); // timers fire on current state
        super.processWatermark(mark);
        flush(); // what the timers wrote
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private FlowState load(Object key) throws Exception {
        if (batch != null) {
            FlowState s = batch.get(key);
            if (s != null) {
                return s == CLEARED ? null : s;
            }
        }
        return flowState.value();
    }

    private void store(Object key, FlowState s) throws Exception {
        if (batch == null) {
            flowState.update(s);
        } else {
            batch.put(key, s);
        }
    }

    private void remove(Object key) throws Exception {
        if (batch == null) {
            flowState.clear();
        } else {
            batch.put(key, CLEARED);
        }
    }

    private void flushIfFull() throws Exception {
        if (batch != null && batch.size() >= miniBatchFlows) {
            flush();
        }
    }

    /** Writes every pending flow to the state backend, once each. Changes the current key. */
    private void flush() throws Exception {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        for (Map.Entry<Object, FlowState> e : batch.entrySet()) {
            setCurrentKey(e.getKey());
            if (e.getValue() == CLEARED) {
                flowState.clear();
            } else {
                flowState.update(e.getValue());
            }
        }
        batch.clear();
    }

    /**
     * Why a flow with packets has ended by the time a packet at {@code ts} arrives (null: it has
     * not): among its expired deadlines, the one {@link #onEventTime} would act on, i.e. the
     * earliest in timer milliseconds, ties going closing, then idle, then active.
     */
    private FlowTermination endedBy(FlowState s, long ts) {
        FlowStatistics st = s.stats;
        boolean closingOver = s.closingSinceMicros >= 0 && ts - s.closingSinceMicros >= params.closingTimeoutMicros;
        boolean idleOver = ts - st.lastMicros >= params.idleTimeoutMicros;
        boolean activeOver = ts - st.firstMicros >= params.activeTimeoutMicros;
        if (!closingOver && !idleOver && !activeOver) {
            return null;
        }
        long closing = closingOver ? closingDeadlineMillis(s) : Long.MAX_VALUE;
        long idle = idleOver ? Math.floorDiv(st.lastMicros + params.idleTimeoutMicros, 1000) + 1 : Long.MAX_VALUE;
        long active = activeOver ? Math.floorDiv(st.firstMicros + params.activeTimeoutMicros, 1000) + 1 : Long.MAX_VALUE;
        long first = Math.min(closing, Math.min(idle, active));
        return closing == first ? closeReason(s) : idle == first ? FlowTermination.IDLE_TIMEOUT : FlowTermination.ACTIVE_TIMEOUT;
    }

    /** Until when the continuation of a flow split by its active-timeout timer at {@code timerMillis} keeps its direction. */
    private long continuationUntilMicros(long timerMillis) {
        return timerMillis * 1000 + params.idleTimeoutMicros;
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

    /** Registers the flow's single timer, or moves it earlier; a later deadline is handled in onEventTime. */
    private void armTimer(FlowState s) {
        long deadline = deadlineMillis(s);
        if (s.timerMillis == Long.MIN_VALUE || deadline < s.timerMillis) {
            if (s.timerMillis != Long.MIN_VALUE) {
                timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, s.timerMillis);
            }
            s.timerMillis = deadline;
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, deadline);
        }
    }

    private void clear(Object key, FlowState s) throws Exception {
        if (s.timerMillis != Long.MIN_VALUE) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, s.timerMillis);
        }
        remove(key);
    }

    /**
     * Fresh flow state on the same key after an emission. Keeps the still registered timer, and the
     * endpoints (so the direction) when {@code keepDirection}; otherwise the next packet decides.
     */
    private static FlowState restart(FlowState old, boolean keepDirection) {
        FlowState s = new FlowState();
        s.timerMillis = old.timerMillis;
        if (keepDirection) {
            s.ipVersion = old.ipVersion;
            s.srcHi = old.srcHi;
            s.srcLo = old.srcLo;
            s.dstHi = old.dstHi;
            s.dstLo = old.dstLo;
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

    private void emit(FlowState s, FlowTermination reason) {
        flowsEmitted.inc();
        int n = s.firstPacketsStored;
        List<Integer> sizes = new ArrayList<>(n);
        List<Integer> directions = new ArrayList<>(n);
        List<Long> iats = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long v = s.firstPackets[i];
            sizes.add((int) (v & SIZE_MASK));
            directions.add(((v >>> SIZE_BITS) & 1) == 1 ? 1 : -1);
            iats.add(v >>> (SIZE_BITS + 1));
        }
        collector.collect(FlowFeatures.newBuilder()
                .setKey(FlowKey.newBuilder()
                        .setSrcIp(ByteBuffer.wrap(FlowPacket.address(s.ipVersion, s.srcHi, s.srcLo)))
                        .setDstIp(ByteBuffer.wrap(FlowPacket.address(s.ipVersion, s.dstHi, s.dstLo)))
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

}
