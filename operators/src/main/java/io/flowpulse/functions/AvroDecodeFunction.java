package io.flowpulse.functions;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.RecordDecodeException;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes single-object Avro records of one type. A record that does not decode, or fails the
 * type's validation, goes to {@link SideOutputs#DEAD_LETTERS} with its Kafka coordinates, its raw
 * bytes (up to a limit) and the reason; the job keeps running. Counted in the
 * {@code deadLetters} and {@code decoded} metrics.
 */
public class AvroDecodeFunction<T extends org.apache.avro.specific.SpecificRecordBase>
        extends ProcessFunction<RawRecord, T> {
    private static final long serialVersionUID = 1L;

    /** Validation of a decoded record: null when valid, otherwise the reason. */
    public interface Validator<T> extends Function<T, String>, java.io.Serializable {}

    private final AvroCodec<T> codec;
    private final Validator<T> validator;
    private final int maxRecordBytes;
    private transient Counter deadLetters;
    private transient Counter decoded;

    public AvroDecodeFunction(AvroCodec<T> codec, Validator<T> validator, int maxRecordBytes) {
        this.codec = codec;
        this.validator = validator;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        decoded = getRuntimeContext().getMetricGroup().counter("decoded");
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        if (raw.sourceError != null) {
            deadLetter(raw, ctx, "undecodable-at-source", raw.sourceError, null);
            return;
        }
        if (raw.value != null && raw.value.length > maxRecordBytes) {
            deadLetter(raw, ctx, "oversized-record",
                    raw.value.length + " bytes > limit " + maxRecordBytes, null);
            return;
        }
        T record;
        try {
            record = codec.decode(raw.value);
        } catch (RecordDecodeException e) {
            deadLetter(raw, ctx, e.reason(), e.detail(), e);
            return;
        }
        String invalid = validator == null ? null : validator.apply(record);
        if (invalid != null) {
            deadLetter(raw, ctx, "invalid-value", invalid, null);
            return;
        }
        decoded.inc();
        out.collect(record);
    }

    private void deadLetter(RawRecord raw, Context ctx, String reason, String detail, Exception e) {
        deadLetters.inc();
        ctx.output(SideOutputs.DEAD_LETTERS, deadLetter(raw, raw.value, maxRecordBytes,
                reason + (detail == null ? "" : ": " + detail), e));
    }

    /** A dead letter for a record from {@code raw}'s coordinates, keeping {@code kept} (cut to {@code maxBytes}). */
    static DeadLetter deadLetter(RawRecord raw, byte[] kept, int maxBytes, String reason, Exception e) {
        if (kept != null && kept.length > maxBytes) {
            kept = java.util.Arrays.copyOf(kept, maxBytes);
        }
        return DeadLetter.newBuilder()
                .setTopic(raw.topic == null ? "unknown" : raw.topic)
                .setPartition(raw.partition)
                .setOffset(raw.offset)
                .setKafkaTimestamp(raw.kafkaTimestamp)
                .setRaw(kept == null ? null : ByteBuffer.wrap(kept))
                .setReason(reason)
                .setErrorClass(e == null ? null : e.getClass().getName())
                .setFailedMillis(System.currentTimeMillis())
                .build();
    }
}
