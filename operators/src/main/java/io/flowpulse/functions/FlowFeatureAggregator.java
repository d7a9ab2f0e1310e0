package io.flowpulse.functions;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
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
 * Assembles packets into bidirectional flows keyed by {@link FlowPacketKeySelector}, in event time, and
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
 *       timer per flow, re-armed lazily in {@link #onEventTime} instead of moved on every packet.
 *       Whether the watermark passes a deadline before the flow's next packet arrives depends on
 *       how fast the other input partitions are read, so a packet that finds its flow past a
 *       deadline ends it exactly as the timer would have: the earliest deadline's reason (closing,
 *       then idle, then active on a tie) and, after an active timeout, the direction kept only
 *       while the continuation marker would still live (issue 18).
 *   <li>A flow split at the active timeout leaves a tiny continuation marker (no packets, cleared
 *       by its own idle-timeout timer) so that its continuation keeps the original direction.
 *   <li>The first {@link FlowAggregatorParams#firstPackets} packets (IP length, direction, IAT) are
 *       packed into one long each, inside the flow's state (at most N longs: bounded).
 *   <li>With {@link FlowAggregatorParams#firstBytesPackets} &gt; 0 the first bytes of the transport
 *       header and payload of the first packets are kept too (at most packets x length bytes) and
 *       emitted in {@code firstPacketBytes}; off by default, and then nothing is stored.
 *   <li>State is one value per flow ({@link FlowState}, written by the hand-written
 *       {@link FlowStateSerializer}). <b>Mini-batch</b> (as Flink SQL's {@code table.exec.mini-batch}):
 *       with {@code miniBatchFlows > 1} the operator keeps the flows touched since the last flush in
 *       memory and writes each of them to the state backend once per batch instead of once per
 *       packet. It flushes when that many flows are pending, after every watermark's timers
 *       (which read the pending flows first, as packets do), in {@link #prepareSnapshotPreBarrier}
 *       (checkpoints stay exact) and at {@link #finish}. Results are the same for every batch size;
 *       {@code miniBatchFlows <= 1} writes through. Emissions are not delayed: a flow is emitted
 *       when its packet or timer arrives; only the state writes are batched.
 *   <li>Packets behind the watermark go to {@link SideOutputs#LATE_PACKETS} and are counted.
 *   <li>All keyed state of a flow is cleared when it is emitted; at the end of a bounded input the
 *       watermark jumps to +inf and every open flow is emitted with {@link FlowTermination#END_OF_INPUT}.
 * </ul>
 *
 * <p>A custom operator rather than a {@code KeyedProcessFunction} because a function cannot hook the
 * watermark and the checkpoint barrier to flush the batch. Use {@link #apply}.
 */
public class FlowFeatureAggregator extends AbstractStreamOperator<FlowFeatures>
        implements OneInputStreamOperator<FlowPacket, FlowFeatures>, Triggerable<FlowPacketKey, VoidNamespace> {
    private static final long serialVersionUID = 2L;

    static final ValueStateDescriptor<FlowState> FLOW_STATE =
            new ValueStateDescriptor<>("flow", FlowStateSerializer.INSTANCE);
    /** Default number of flows kept in memory between state writes (about 1 KB each). */
    public static final int DEFAULT_MINI_BATCH_FLOWS = 10_000;

    private static final int SIZE_BITS = 20;
    private static final long SIZE_MASK = (1L << SIZE_BITS) - 1;
    private static final long IAT_MAX = (1L << 42) - 1;
    /** Marks a flow whose state is to be cleared at the next flush. */
    private static final FlowState CLEARED = new FlowState();
    /** At most this many ended flows' states are kept for reuse. */
    private static final int FREE_STATES = 1024;

    private final FlowAggregatorParams params;
    private final int miniBatchFlows;
    private transient ValueState<FlowState> flowState;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient TimestampedCollector<FlowFeatures> collector;
    /** Flows touched since the last flush (key -> state or {@link #CLEARED}); null when writing through. */
    private transient HashMap<Object, FlowState> batch;
    /** The state the last {@link #load} found in {@link #batch} (null: none): storing it again is a no-op. */
    private transient FlowState batchHit;
    /**
     * Heap backend: {@code value()} hands out the object the state table holds (copied first if a
     * snapshot holds it), so a state changed in place needs no write. Not so for RocksDB (a copy per
     * read) or the changelog backend (which logs writes).
     */
    private transient boolean inPlace;
    /** The state the last {@link #load} read from the heap backend (null: none). */
    private transient FlowState backendHit;
    /** States of ended flows, reused for new flows (about 1 KB each, allocated per flow otherwise). */
    private transient ArrayDeque<FlowState> free;
    private transient Counter latePackets;
    private transient Counter flowsEmitted;

    public FlowFeatureAggregator(FlowAggregatorParams params) {
        this(params, DEFAULT_MINI_BATCH_FLOWS);
    }

    public FlowFeatureAggregator(FlowAggregatorParams params, int miniBatchFlows) {
        this.params = params;
        this.miniBatchFlows = miniBatchFlows;
    }

    /**
     * {@code packets.keyBy(bidirectional 5-tuple)} into this operator; the caller sets uid and name.
     */
    public static SingleOutputStreamOperator<FlowFeatures> apply(DataStream<FlowPacket> packets,
            FlowAggregatorParams params, int miniBatchFlows) {
        return apply(packets.keyBy(new FlowPacketKeySelector()), params, miniBatchFlows);
    }

    /** This operator on a stream already keyed by {@link FlowPacketKeySelector} (e.g. a pre-partitioned source). */
    public static SingleOutputStreamOperator<FlowFeatures> apply(KeyedStream<FlowPacket, FlowPacketKey> packets,
            FlowAggregatorParams params, int miniBatchFlows) {
        return packets.transform("FlowFeatureAggregator", TypeInformation.of(FlowFeatures.class),
                new FlowFeatureAggregator(params, miniBatchFlows));
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        timers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this);
        flowState = getPartitionedState(FLOW_STATE);
        inPlace = getKeyedStateBackend() instanceof HeapKeyedStateBackend;
        // linked: a flush walks the pending flows, not a table sized for the largest batch
        batch = miniBatchFlows > 1 ? new LinkedHashMap<>(Math.min(miniBatchFlows, 1 << 16) * 2) : null;
        free = new ArrayDeque<>();
        latePackets = getMetricGroup().counter("latePackets");
        flowsEmitted = getMetricGroup().counter("flowsEmitted");
    }

    /** Flows held in memory, not yet written to the state backend (for tests). */
    int pendingFlows() {
        return batch == null ? 0 : batch.size();
    }

    @Override
    public void processElement(StreamRecord<FlowPacket> element) throws Exception {
        FlowPacket p = element.getValue();
        long ts = p.timestampMicros;
        long watermarkMillis = timers.currentWatermark();
        if (watermarkMillis != Long.MIN_VALUE && Math.floorDiv(ts, 1000) < watermarkMillis) {
            latePackets.inc();
            output.collect(SideOutputs.LATE_PACKETS, new StreamRecord<>(p, element.getTimestamp()));
            return;
        }
        collector.setTimestamp(element);
        Object key = getCurrentKey();
        int flags = p.tcpFlags;
        FlowState s = load(key);
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
            s = newFlowState();
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
        if (s.firstBytesStored() < params.firstBytesPackets) {
            s.addFirstBytes(transportBytes(p, params.firstBytesLength));
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
        store(key, s);
        flushIfFull();
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
                release(s);
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
        // the timers read the pending flows as the packets do (load), so one flush after them writes what
        // both changed, each flow once
        super.processWatermark(mark);
        flush();
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
        batchHit = null;
        backendHit = null;
        if (batch != null) {
            FlowState s = batch.get(key);
            if (s != null) {
                if (s == CLEARED) {
                    return null;
                }
                batchHit = s;
                return s;
            }
        }
        FlowState s = flowState.value();
        if (inPlace) {
            backendHit = s;
        }
        return s;
    }

    /** Keeps {@code s} as the current key's state; must follow this key's {@link #load}. */
    private void store(Object key, FlowState s) throws Exception {
        if (batch == null) {
            if (s != backendHit || s == null) { // else the heap table holds s, changed in place
                flowState.update(s);
            }
        } else if (s != batchHit) { // else already pending, changed in place
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
        release(s);
    }

    /**
     * Fresh flow state on the same key after an emission, in place (the emitted record holds nothing
     * of it that changes). Keeps the still registered timer, and the endpoints (so the direction) when
     * {@code keepDirection}; otherwise the next packet decides.
     */
    private static FlowState restart(FlowState s, boolean keepDirection) {
        s.reset(keepDirection);
        return s;
    }

    /**
     * State for a new flow: one of an ended flow's states if any (reset in place), else a new one.
     * An ended flow's state is reused only once this operator alone holds it: removed from the batch,
     * and obtained from the backend after its last snapshot (the heap backend copies a state on read
     * once a snapshot holds it, and the batch is flushed before every snapshot).
     */
    private FlowState newFlowState() {
        FlowState s = free.pollLast();
        if (s == null) {
            return new FlowState();
        }
        s.reset(false);
        s.timerMillis = Long.MIN_VALUE;
        return s;
    }

    private void release(FlowState s) {
        if (free.size() < FREE_STATES) {
            free.addLast(s);
        }
    }

    private static FlowTermination closeReason(FlowState s) {
        return s.closedByRst ? FlowTermination.RST : FlowTermination.FIN;
    }

    static long packFirstPacket(int ipLength, boolean forward, long iatMicros) {
        long size = Math.min(Math.max(ipLength, 0), SIZE_MASK);
        return (Math.min(iatMicros, IAT_MAX) << (SIZE_BITS + 1)) | ((forward ? 1L : 0L) << SIZE_BITS) | size;
    }

    private static final byte[] NO_BYTES = new byte[0];

    /**
     * The first {@code length} bytes of a packet's transport header and payload, from its captured
     * {@link FlowPacket#headerBytes} (which start at the IP header); empty when none were captured.
     */
    static byte[] transportBytes(FlowPacket p, int length) {
        byte[] h = p.headerBytes;
        if (h == null) {
            return NO_BYTES;
        }
        int from = Math.min(Math.max(p.ipHeaderLength, 0), h.length);
        return Arrays.copyOfRange(h, from, Math.min(h.length, from + length));
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
        // all-args constructors: every field is set, and the builders' per-record field arrays and checks cost
        // as much as the rest of the record (same record, same wire format)
        FlowKey key = new FlowKey(ByteBuffer.wrap(FlowPacket.address(s.ipVersion, s.srcHi, s.srcLo)),
                ByteBuffer.wrap(FlowPacket.address(s.ipVersion, s.dstHi, s.dstLo)), s.srcPort, s.dstPort, s.protocol);
        collector.collect(new FlowFeatures(key, s.stats.firstMicros, s.stats.lastMicros, reason, s.stats.toFeatures(),
                sizes, directions, iats, s.source, firstBytes(s)));
    }

    private static List<ByteBuffer> firstBytes(FlowState s) {
        if (s.firstBytes == null) {
            return List.of();
        }
        List<ByteBuffer> bytes = new ArrayList<>(s.firstBytes.length);
        for (byte[] b : s.firstBytes) {
            bytes.add(ByteBuffer.wrap(b));
        }
        return bytes;
    }

    /**
     * The states this operator would hold for {@code packets} if none of their flows ended: every
     * packet of a 5-tuple in one state. For measuring state size (bench-flows), not used by the job.
     */
    public static Map<FlowPacketKey, FlowState> statesOf(Iterable<FlowPacket> packets, FlowAggregatorParams params) {
        Map<FlowPacketKey, FlowState> states = new HashMap<>();
        for (FlowPacket p : packets) {
            FlowState s = states.computeIfAbsent(FlowPacketKey.of(p), k -> new FlowState());
            if (s.ipVersion == 0) {
                s.open(p);
            }
            boolean forward = s.isForward(p);
            if (s.firstPacketsStored < params.firstPackets) {
                long iat = s.stats.packets() == 0 ? 0 : Math.max(0, p.timestampMicros - s.stats.lastMicros);
                s.addFirstPacket(packFirstPacket(p.ipLength, forward, iat), params.firstPackets);
            }
            if (s.firstBytesStored() < params.firstBytesPackets) {
                s.addFirstBytes(transportBytes(p, params.firstBytesLength));
            }
            s.stats.add(p.timestampMicros, forward, p.linkLength, p.ipLength, p.l4HeaderLength, p.payloadLength,
                    p.tcpFlags, p.tcpWindow, params.activityTimeoutMicros);
        }
        return states;
    }

    /**
     * Per-flow state: endpoints, TCP close tracking, the timer, the packed first packets and
     * {@link FlowStatistics} (bounded scalars). Public fields; serialized by {@link FlowStateSerializer}.
     */
    public static class FlowState {
        /** Address family of the endpoints: 4 or 6; 0 until the flow's first packet. */
        public int ipVersion;
        /** Forward (first packet's) source address, as in {@link FlowPacket}. */
        public long srcHi;
        public long srcLo;
        public long dstHi;
        public long dstLo;
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
        /** First packets, packed by {@link #packFirstPacket}; the first {@link #firstPacketsStored} are used. */
        public long[] firstPackets;
        public int firstPacketsStored;
        /**
         * First transport-header/payload bytes of the first packets (entry i: packet i), null when
         * the first-bytes input is off or the flow has no packet yet: no cost when off.
         */
        public byte[][] firstBytes;
        /** Event time of the one registered timer, Long.MIN_VALUE when none. */
        public long timerMillis = Long.MIN_VALUE;
        /** For a continuation marker (no packets yet): when it expires. */
        public long continuationUntilMicros = -1;

        public FlowState() {}

        /**
         * Back to the state of a new flow (as {@code new FlowState()}), keeping {@link #timerMillis}, the
         * endpoints and source when {@code keepDirection}, and the nested objects (reset in place).
         */
        void reset(boolean keepDirection) {
            if (!keepDirection) {
                ipVersion = 0;
                srcHi = 0;
                srcLo = 0;
                dstHi = 0;
                dstLo = 0;
                srcPort = 0;
                dstPort = 0;
                protocol = 0;
                source = null;
            }
            stats.reset();
            finForward = false;
            finBackward = false;
            closingSinceMicros = -1;
            closedByRst = false;
            firstPacketsStored = 0; // the array is kept: only the stored entries count
            firstBytes = null; // an emitted record may hold the old arrays
            continuationUntilMicros = -1;
        }

        /** The first packet defines the forward direction. */
        void open(FlowPacket p) {
            ipVersion = p.ipVersion == 6 ? 6 : 4;
            srcHi = p.srcHi;
            srcLo = p.srcLo;
            dstHi = p.dstHi;
            dstLo = p.dstLo;
            srcPort = p.srcPort;
            dstPort = p.dstPort;
            protocol = p.protocol;
            source = p.sourceId;
        }

        boolean isForward(FlowPacket p) {
            return p.srcPort == srcPort && p.dstPort == dstPort && p.srcLo == srcLo && p.srcHi == srcHi;
        }

        int firstBytesStored() {
            return firstBytes == null ? 0 : firstBytes.length;
        }

        /** Appends one packet's bytes (at most a few packets: the array grows by one). */
        void addFirstBytes(byte[] bytes) {
            int n = firstBytesStored();
            firstBytes = firstBytes == null ? new byte[1][] : Arrays.copyOf(firstBytes, n + 1);
            firstBytes[n] = bytes;
        }

        void addFirstPacket(long packed, int max) {
            if (firstPackets == null) {
                firstPackets = new long[Math.min(max, 8)];
            } else if (firstPacketsStored == firstPackets.length) {
                firstPackets = Arrays.copyOf(firstPackets, Math.min(max, firstPackets.length * 2));
            }
            firstPackets[firstPacketsStored++] = packed;
        }
    }
}
