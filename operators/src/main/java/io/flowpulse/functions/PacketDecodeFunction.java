package io.flowpulse.functions;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.codec.RecordDecodeException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The packets topic's decode step: raw Kafka values straight to {@link FlowPacket}s, one
 * {@link PacketEvent} or a whole {@code PacketBatch} per record (told apart by the single-object
 * fingerprint, so old single-packet producers and batching agents share the topic), read by
 * {@link PacketBatchCodec} without an Avro object per packet. An older PacketEvent schema version
 * goes through {@code Codecs.PACKET_EVENT} (schema resolution) and {@link FlowPacket#from}.
 *
 * <p>Dead letters, with the Kafka coordinates of the record and the reason:
 * <ul>
 *   <li>a record that does not decode (not single-object Avro, unknown fingerprint, malformed body,
 *       malformed batch: which packet the decoder got to and why), or is larger than the limit:
 *       the whole record, nothing of it emitted;
 *   <li>a packet that decodes but is invalid ({@link RecordValidators#packet(FlowPacket)}) or out
 *       of the event-time bounds: that packet alone, re-encoded as a PacketEvent when its addresses
 *       allow, with "packet i of n in PacketBatch" in the reason; the batch's other packets go on.
 * </ul>
 * Counted in the {@code deadLetters}, {@code decoded} (packets) and {@code decodedBatches} metrics.
 */
public class PacketDecodeFunction extends ProcessFunction<RawRecord, FlowPacket> {
    private static final long serialVersionUID = 1L;

    private final EventTimeBounds bounds;
    private final int maxRecordBytes;
    private final boolean keepHeaderBytes;
    private transient PacketBatchCodec codec;
    private transient PacketBatchCodec.Decoded decoded;
    private transient Counter deadLetters;
    private transient Counter packets;
    private transient Counter batches;

    /** Without the packets' header bytes (the flow operator's default: its first-bytes input is off). */
    public PacketDecodeFunction(EventTimeBounds bounds, int maxRecordBytes) {
        this(bounds, maxRecordBytes, false);
    }

    /** @param keepHeaderBytes whether the packets' header bytes are decoded into {@link FlowPacket#headerBytes} */
    public PacketDecodeFunction(EventTimeBounds bounds, int maxRecordBytes, boolean keepHeaderBytes) {
        this.bounds = bounds;
        this.maxRecordBytes = maxRecordBytes;
        this.keepHeaderBytes = keepHeaderBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        codec = new PacketBatchCodec(keepHeaderBytes);
        decoded = new PacketBatchCodec.Decoded();
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        packets = getRuntimeContext().getMetricGroup().counter("decoded");
        batches = getRuntimeContext().getMetricGroup().counter("decodedBatches");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<FlowPacket> out) {
        if (raw.sourceError != null) {
            deadLetter(raw, ctx, raw.value, "undecodable-at-source: " + raw.sourceError, null);
            return;
        }
        if (raw.value != null && raw.value.length > maxRecordBytes) {
            deadLetter(raw, ctx, raw.value, "oversized-record: " + raw.value.length + " bytes > limit " + maxRecordBytes, null);
            return;
        }
        boolean batch = false;
        try {
            switch (PacketBatchCodec.kindOf(raw.value)) {
                case BATCH -> {
                    codec.decodeBatch(raw.value, decoded);
                    batch = true;
                    batches.inc();
                }
                case EVENT -> codec.decodeEvent(raw.value, decoded);
                default -> { // an older PacketEvent version, or errors with AvroCodec's reasons
                    PacketEvent e = Codecs.PACKET_EVENT.decode(raw.value);
                    String bad = RecordValidators.packet(e);
                    if (bad != null) {
                        deadLetter(raw, ctx, raw.value, "invalid-value: " + bad, null);
                        return;
                    }
                    emit(raw, ctx, out, FlowPacket.from(e, keepHeaderBytes), null, false, 0, 1, System.currentTimeMillis());
                    return;
                }
            }
        } catch (RecordDecodeException e) {
            deadLetter(raw, ctx, raw.value, e.reason() + (e.detail() == null ? "" : ": " + e.detail()), e);
            return;
        }
        long now = System.currentTimeMillis();
        int n = decoded.size;
        for (int i = 0; i < n; i++) {
            emit(raw, ctx, out, decoded.packets[i], decoded.invalid[i], batch, i, n, now);
        }
    }

    private void emit(RawRecord raw, Context ctx, Collector<FlowPacket> out, FlowPacket p, String invalid,
            boolean batch, int index, int of, long now) {
        String bad = invalid != null ? invalid : RecordValidators.packet(p);
        if (bad == null) {
            bad = bounds.check(Math.floorDiv(p.timestampMicros, 1000), now);
        }
        if (bad != null) {
            String where = batch ? "packet " + index + " of " + of + " in PacketBatch: " : "";
            // a batch's bad packet alone, as a PacketEvent (replayable); a bad single record as it came
            byte[] kept = !batch ? raw.value : p.ipVersion == 0 ? null : Codecs.PACKET_EVENT.encode(p.toPacketEvent());
            deadLetter(raw, ctx, kept, "invalid-value: " + where + bad, null);
            return;
        }
        packets.inc();
        out.collect(p);
    }

    private void deadLetter(RawRecord raw, Context ctx, byte[] kept, String reason, Exception e) {
        deadLetters.inc();
        ctx.output(SideOutputs.DEAD_LETTERS, AvroDecodeFunction.deadLetter(raw, kept, maxRecordBytes, reason, e));
    }
}
