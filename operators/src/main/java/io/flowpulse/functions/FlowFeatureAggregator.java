package io.flowpulse.functions;

import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketBatch;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.FlowTermination;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
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
 *   <li>State is one value per flow ({@link FlowState}, written by the hand-written
 *       {@link FlowStateSerializer}). <b>Mini-batch</b> (as Flink SQL's {@code table.exec.mini-batch}):
 *       with {@code miniBatchFlows > 1} the operator keeps the flows touched since the last flush in
 *       memory and writes each of them to the state backend once per batch instead of once per
 *       packet. It flushes when that many flows are pending, before every watermark is processed
 *       (so event-time timers always see current state), in {@link #prepareSnapshotPreBarrier}
 *       (checkpoints stay exact) and at {@link #finish}. Results are the same for every batch size;
 *       {@code miniBatchFlows <= 1} writes through. Emissions are not delayed: a flow is emitted
 *       when its packet or timer arrives; only the state writes are batched.
 *   <li>Packets behind the watermark go to {@link SideOutputs#LATE_PACKETS} and are counted.
 *   <li>All keyed state of a flow is cleared when it is emitted; at the end of a bounded input the
 *       watermark jumps to +inf and every open flow is emitted with {@link FlowTermination#END_OF_INPUT}.
 * </ul>
 *
 * <p>A custom operator rather than a {@code KeyedProcessFunction} because a function cannot hook the
 * watermark and the checkpoint barrier to flush the batch. Use {@link #apply}. The job uses
 * {@link Batched} behind a {@link FlowPacketBatcher} (issue 13): the same flows, with the keyBy
 * edge's per-record cost paid once per batch of a flow's packets; the machinery of both is in
 * {@link AbstractFlowAggregator}.
 */
public class FlowFeatureAggregator extends AbstractFlowAggregator<FlowPacket> {
    private static final long serialVersionUID = 2L;

    /** Default number of flows kept in memory between state writes (about 1 KB each). */
    public static final int DEFAULT_MINI_BATCH_FLOWS = 10_000;

    public FlowFeatureAggregator(FlowAggregatorParams params) {
        this(params, DEFAULT_MINI_BATCH_FLOWS);
    }

    public FlowFeatureAggregator(FlowAggregatorParams params, int miniBatchFlows) {
        super(params, miniBatchFlows);
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
    public void processElement(StreamRecord<FlowPacket> element) throws Exception {
        processPacket(element.getValue(), element.getTimestamp()); // Long.MIN_VALUE when it has none
    }

    /**
     * The flow operator on {@link FlowPacketBatch}es, the packets of one flow that crossed the keyBy
     * edge together ({@link FlowPacketBatcher} upstream): every packet handled as
     * {@link FlowFeatureAggregator} handles it, in the same order relative to the watermarks (the
     * batcher never holds a packet across a watermark), so the flows are the same. Same state, key
     * and timers as {@link FlowFeatureAggregator}: savepoints of one restore into the other.
     */
    public static class Batched extends AbstractFlowAggregator<FlowPacketBatch> {
        private static final long serialVersionUID = 1L;

        public Batched(FlowAggregatorParams params, int miniBatchFlows) {
            super(params, miniBatchFlows);
        }

        /** {@code batches.keyBy(the batch's flow key)} into this operator; the caller sets uid and name. */
        public static SingleOutputStreamOperator<FlowFeatures> apply(DataStream<FlowPacketBatch> batches,
                FlowAggregatorParams params, int miniBatchFlows) {
            return batches.keyBy(new BatchKeySelector(), FlowPacketKey.TYPE)
                    .transform("FlowFeatureAggregator", TypeInformation.of(FlowFeatures.class), new Batched(params, miniBatchFlows));
        }

        @Override
        public void processElement(StreamRecord<FlowPacketBatch> element) throws Exception {
            processBatch(element.getValue());
        }
    }

    /** The flow key of a batch: its first packet's (all share it). */
    public static final class BatchKeySelector implements KeySelector<FlowPacketBatch, FlowPacketKey> {
        private static final long serialVersionUID = 1L;

        @Override
        public FlowPacketKey getKey(FlowPacketBatch batch) {
            return batch.key();
        }
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
        /** Event time of the one registered timer, Long.MIN_VALUE when none. */
        public long timerMillis = Long.MIN_VALUE;
        /** For a continuation marker (no packets yet): when it expires. */
        public long continuationUntilMicros = -1;

        public FlowState() {}

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
