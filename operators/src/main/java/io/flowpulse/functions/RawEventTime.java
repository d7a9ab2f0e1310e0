package io.flowpulse.functions;

import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.RawRecord;
import java.io.IOException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time read straight from undecoded single-object Avro, so watermarks are generated in the
 * Kafka source per partition (split) rather than after decoding, where one subtask reading
 * several partitions would interleave them and make the slower one late. Reads only the fields
 * up to the timestamp, allocation-free for packets; a record whose fingerprint is not the current
 * schema's (an older writer) or that does not parse gets {@link Long#MIN_VALUE}, which never
 * advances the watermark, and the decoder sends it to the dead-letter topic if it is bad.
 */
public final class RawEventTime {
    private RawEventTime() {}

    private static final long PORT_SAMPLE_FINGERPRINT = SchemaNormalization.parsingFingerprint64(PortSample.getClassSchema());
    private static final long FLOW_RECORD_FINGERPRINT = SchemaNormalization.parsingFingerprint64(io.flowpulse.records.FlowRecord.getClassSchema());
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    /** Timestamp assigner for the packets source: PacketEvent.timestampMicros / 1000 (PacketBatch: its base time). */
    public static SerializableTimestampAssigner<RawRecord> packets() {
        return (r, previous) -> packetMillis(r.value);
    }

    /** Timestamp assigner for the port-samples source: PortSample.timestampMillis. */
    public static SerializableTimestampAssigner<RawRecord> portSamples() {
        return (r, previous) -> portSampleMillis(r.value);
    }

    /** Timestamp assigner for exporter flow records: FlowRecord.endMicros / 1000 (a flow exists once it ended). */
    public static SerializableTimestampAssigner<RawRecord> flowRecords() {
        return (r, previous) -> flowRecordMillis(r.value);
    }

    /** As {@link #packets()}, but a time outside {@code bounds} never advances the watermark. */
    public static SerializableTimestampAssigner<RawRecord> packets(EventTimeBounds bounds) {
        return (r, previous) -> bounded(packetMillis(r.value), bounds);
    }

    /** As {@link #portSamples()}, but a time outside {@code bounds} never advances the watermark. */
    public static SerializableTimestampAssigner<RawRecord> portSamples(EventTimeBounds bounds) {
        return (r, previous) -> bounded(portSampleMillis(r.value), bounds);
    }

    /** As {@link #flowRecords()}, but a time outside {@code bounds} never advances the watermark. */
    public static SerializableTimestampAssigner<RawRecord> flowRecords(EventTimeBounds bounds) {
        return (r, previous) -> bounded(flowRecordMillis(r.value), bounds);
    }

    static long bounded(long millis, EventTimeBounds bounds) {
        return millis != Long.MIN_VALUE && bounds.accepts(millis) ? millis : Long.MIN_VALUE;
    }

    static long flowRecordMillis(byte[] v) {
        if (!header(v, FLOW_RECORD_FINGERPRINT)) {
            return Long.MIN_VALUE;
        }
        try {
            BinaryDecoder d = decoder(v);
            d.skipBytes(); // key.srcIp
            d.skipBytes(); // key.dstIp
            d.readInt(); // key.srcPort
            d.readInt(); // key.dstPort
            d.readInt(); // key.protocol
            d.readLong(); // startMicros
            return d.readLong() / 1000; // endMicros
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    static long packetMillis(byte[] v) {
        if (!header(v, PacketBatchCodec.PACKET_EVENT_FINGERPRINT) && !header(v, PacketBatchCodec.PACKET_BATCH_FINGERPRINT)) {
            return Long.MIN_VALUE;
        }
        try {
            // first field: PacketEvent.timestampMicros, or PacketBatch.baseTimestampMicros (its earliest
            // packet: no packet of the batch is behind the watermark the batch's own time makes)
            return decoder(v).readLong() / 1000;
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    static long portSampleMillis(byte[] v) {
        if (!header(v, PORT_SAMPLE_FINGERPRINT)) {
            return Long.MIN_VALUE;
        }
        try {
            BinaryDecoder d = decoder(v);
            d.skipString(); // device
            d.skipString(); // port
            d.readEnum(); // direction
            return d.readLong(); // timestampMillis
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static BinaryDecoder decoder(byte[] v) {
        BinaryDecoder d = DecoderFactory.get().binaryDecoder(v, 10, v.length - 10, DECODER.get());
        DECODER.set(d);
        return d;
    }

    /** C3 01 magic followed by the little-endian CRC-64-AVRO fingerprint of the current schema. */
    private static boolean header(byte[] v, long fingerprint) {
        if (v == null || v.length < 11 || v[0] != (byte) 0xC3 || v[1] != (byte) 0x01) {
            return false;
        }
        long fp = 0;
        for (int i = 0; i < 8; i++) {
            fp |= (v[2 + i] & 0xFFL) << (8 * i);
        }
        return fp == fingerprint;
    }
}
