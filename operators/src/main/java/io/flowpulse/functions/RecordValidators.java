package io.flowpulse.functions;

import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;

/** Value checks applied after decoding; a non-null result is the dead-letter reason. */
public final class RecordValidators {
    private RecordValidators() {}

    public static String packet(PacketEvent p) {
        if (p.getTimestampMicros() <= 0) {
            return "timestampMicros must be > 0, got " + p.getTimestampMicros();
        }
        int src = p.getSrcIp().remaining();
        int dst = p.getDstIp().remaining();
        if ((src != 4 && src != 16) || src != dst) {
            return "IP addresses must both be 4 or 16 bytes, got " + src + " and " + dst;
        }
        if (p.getLinkLength() < 0 || p.getIpLength() < 0 || p.getPayloadLength() < 0 || p.getL4HeaderLength() < 0) {
            return "negative length";
        }
        if (p.getSrcPort() < 0 || p.getSrcPort() > 65535 || p.getDstPort() < 0 || p.getDstPort() > 65535) {
            return "port out of range";
        }
        return null;
    }

    /**
     * As {@link #packet(PacketEvent)}, for a packet decoded straight into a FlowPacket (the address
     * lengths are checked by the decoder, which sees them).
     */
    public static String packet(io.flowpulse.records.FlowPacket p) {
        if (p.timestampMicros <= 0) {
            return "timestampMicros must be > 0, got " + p.timestampMicros;
        }
        if (p.linkLength < 0 || p.ipLength < 0 || p.payloadLength < 0 || p.l4HeaderLength < 0) {
            return "negative length";
        }
        if (p.srcPort < 0 || p.srcPort > 65535 || p.dstPort < 0 || p.dstPort > 65535) {
            return "port out of range";
        }
        return null;
    }

    /** Exporter flow records: end not before start, no negative counts. */
    public static String flowRecord(io.flowpulse.records.FlowRecord r) {
        if (r.getEndMicros() < r.getStartMicros()) {
            return "endMicros before startMicros";
        }
        if (r.getStartMicros() <= 0) {
            return "startMicros must be > 0, got " + r.getStartMicros();
        }
        if (r.getFwdPackets() < 0 || r.getBwdPackets() < 0 || r.getFwdBytes() < 0 || r.getBwdBytes() < 0) {
            return "negative packet or byte count";
        }
        return null;
    }

    /** The event time (ms) a validator checks against {@link EventTimeBounds}. */
    public interface EventMillis<T> extends java.io.Serializable {
        long of(T record);
    }

    /** {@code base} (may be null), then the record's event time within {@code bounds}. */
    public static <T> AvroDecodeFunction.Validator<T> withEventTime(AvroDecodeFunction.Validator<T> base,
            EventMillis<T> millis, EventTimeBounds bounds) {
        return r -> {
            String bad = base == null ? null : base.apply(r);
            return bad != null ? bad : bounds.check(millis.of(r));
        };
    }

    public static String portSample(PortSample s) {
        if (s.getTimestampMillis() <= 0) {
            return "timestampMillis must be > 0, got " + s.getTimestampMillis();
        }
        if (s.getBytes() < 0) {
            return "bytes must be >= 0, got " + s.getBytes();
        }
        if (s.getCounterBits() != 32 && s.getCounterBits() != 64) {
            return "counterBits must be 32 or 64, got " + s.getCounterBits();
        }
        if (s.getDevice().isEmpty() || s.getPort().isEmpty()) {
            return "device and port must not be empty";
        }
        return null;
    }
}
