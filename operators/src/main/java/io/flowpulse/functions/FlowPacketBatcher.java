package io.flowpulse.functions;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketBatch;
import io.flowpulse.records.FlowPacketKey;
import java.util.LinkedHashMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;

/**
 * Groups consecutive packets by flow before the keyBy edge (issue 13): each flow's packets since
 * the last flush leave as one {@link FlowPacketBatch} (arrival order kept), so Flink's per-record
 * cost on the network edge and the flow operator's per-record cost (key context, state lookup,
 * timer check) are paid once per batch. Chained to the packet decoder, stateless.
 *
 * <p>It flushes every open batch before forwarding a watermark (a packet never crosses a
 * watermark it arrived behind or ahead of, so the flow operator sees each packet in the same
 * watermark interval as without batching: same late packets, same timers, same flows), before
 * every checkpoint barrier ({@link #prepareSnapshotPreBarrier}: nothing to snapshot), at the end of
 * input, when {@code maxPackets} packets are held, and every {@code maxDelayMillis} of processing
 * time (so an input whose watermark stalls still delivers). Memory: at most {@code maxPackets}
 * packets (~100 bytes each) per subtask.
 */
public class FlowPacketBatcher extends AbstractStreamOperator<FlowPacketBatch>
        implements OneInputStreamOperator<FlowPacket, FlowPacketBatch>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final int maxPackets;
    private final long maxDelayMillis;
    private transient LinkedHashMap<FlowPacketKey, FlowPacketBatch> open;
    private transient int held;
    private transient StreamRecord<FlowPacketBatch> out;
    private transient Counter batchesOut;

    /**
     * This operator on {@code packets}, with their parallelism (so it chains to its input by a
     * forward edge: a rebalance would reorder a flow's packets); the caller sets the uid.
     */
    public static SingleOutputStreamOperator<FlowPacketBatch> apply(DataStream<FlowPacket> packets, int maxPackets,
            long maxDelayMillis, String name) {
        return packets.transform(name, FlowPacketBatch.TYPE, new FlowPacketBatcher(maxPackets, maxDelayMillis))
                .setParallelism(packets.getParallelism());
    }

    /** {@code maxDelayMillis <= 0}: no processing-time flush (watermarks, barriers, size and end only). */
    public FlowPacketBatcher(int maxPackets, long maxDelayMillis) {
        if (maxPackets < 1) {
            throw new IllegalArgumentException("maxPackets must be >= 1: " + maxPackets);
        }
        this.maxPackets = maxPackets;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new LinkedHashMap<>(Math.min(maxPackets, 1 << 14) * 2);
        out = new StreamRecord<>(null);
        batchesOut = getMetricGroup().counter("batchesOut");
        if (maxDelayMillis > 0) {
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis, this);
        }
    }

    @Override
    public void processElement(StreamRecord<FlowPacket> element) throws Exception {
        FlowPacket p = element.getValue();
        FlowPacketKey key = FlowPacketKey.of(p);
        FlowPacketBatch b = open.get(key);
        if (b == null) {
            b = FlowPacketBatch.of(key);
            open.put(key, b);
        }
        b.add(p, element.getTimestamp()); // Long.MIN_VALUE (= NO_TIMESTAMP) when it has none
        if (++held >= maxPackets) {
            flush();
        }
    }

    /** Emits every open batch (in the order their flows first arrived since the last flush). */
    private void flush() {
        if (held == 0) {
            return;
        }
        for (FlowPacketBatch b : open.values()) {
            long last = b.timestamp(b.size() - 1);
            if (last == FlowPacketBatch.NO_TIMESTAMP) {
                out.eraseTimestamp();
                out.replace(b);
            } else {
                out.replace(b, last);
            }
            output.collect(out);
        }
        batchesOut.inc(open.size());
        open.clear();
        held = 0;
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        flush();
        getProcessingTimeService().registerTimer(time + maxDelayMillis, this);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
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

    /** Packets held (for tests). */
    int heldPackets() {
        return held;
    }
}
