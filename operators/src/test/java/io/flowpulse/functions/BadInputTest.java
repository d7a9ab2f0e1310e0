package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowRecord;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Each kind of bad input record through the decoder: a dead letter with its reason, and the good
 * records around it pass. (Negative values and oversized records of port samples are in
 * AvroDecodeFunctionTest; counters going backwards in PortSeriesResamplerTest.) No input schema
 * has a floating-point field, so NaN cannot arrive on the wire; negative values can and are checked.
 */
class BadInputTest {
    static final long NOW_MILLIS = System.currentTimeMillis();
    static final EventTimeBounds BOUNDS = EventTimeBounds.of(Duration.ofDays(1), Duration.ofDays(3650));

    static PacketEvent packet(long millis) {
        return PacketEvent.newBuilder().setTimestampMicros(millis * 1000).setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2})).setSrcPort(40000).setDstPort(443).setProtocol(6)
                .setLinkLength(74).setIpLength(60).setL4HeaderLength(20).setPayloadLength(20).build();
    }

    static FlowRecord flowRecord(long fwdPackets) {
        long t = (NOW_MILLIS - 60_000) * 1000;
        return FlowRecord.newBuilder()
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2})).setSrcPort(1).setDstPort(53).setProtocol(17).build())
                .setStartMicros(t).setEndMicros(t + 100).setFwdPackets(fwdPackets).setFwdBytes(100).build();
    }

    @Test
    void malformedUnknownFingerprintAndOutOfBoundsTimesAreDeadLettersAndGoodPacketsPass() throws Exception {
        AvroDecodeFunction<PacketEvent> fn = new AvroDecodeFunction<>(Codecs.PACKET_EVENT,
                RecordValidators.withEventTime(RecordValidators::packet, p -> p.getTimestampMicros() / 1000, BOUNDS), 1024);
        PacketEvent good = packet(NOW_MILLIS - 1000);
        byte[] unknownFingerprint = Codecs.PACKET_EVENT.encode(good);
        unknownFingerprint[5] ^= 0x5A;
        byte[] truncated = Arrays.copyOf(Codecs.PACKET_EVENT.encode(good), 14);
        try (OneInputStreamOperatorTestHarness<RawRecord, PacketEvent> h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.processElement(new RawRecord("packets", 0, 1, 5, Codecs.PACKET_EVENT.encode(good)), 5);
            h.processElement(new RawRecord("packets", 0, 2, 5, unknownFingerprint), 5);
            h.processElement(new RawRecord("packets", 0, 3, 5, truncated), 5);
            h.processElement(new RawRecord("packets", 0, 4, 5, Codecs.PACKET_EVENT.encode(packet(NOW_MILLIS + 30L * 86_400_000))), 5);
            h.processElement(new RawRecord("packets", 0, 5, 5, Codecs.PACKET_EVENT.encode(packet(631_152_000_000L))), 5); // 1990
            h.processElement(new RawRecord("packets", 0, 6, 5, Codecs.PACKET_EVENT.encode(good)), 5);

            assertEquals(List.of(good, good), h.extractOutputValues(), "the good records around the bad ones pass");
            List<DeadLetter> dead = h.getSideOutput(SideOutputs.DEAD_LETTERS).stream().map(StreamRecord::getValue)
                    .collect(Collectors.toList());
            assertEquals(List.of(2L, 3L, 4L, 5L), dead.stream().map(DeadLetter::getOffset).collect(Collectors.toList()));
            assertEquals("unknown-schema-fingerprint", dead.get(0).getReason().split(":")[0]);
            assertEquals("malformed-avro-body", dead.get(1).getReason().split(":")[0]);
            assertTrue(dead.get(2).getReason().startsWith("invalid-value: event time") && dead.get(2).getReason().contains("ahead"),
                    dead.get(2).getReason());
            assertTrue(dead.get(3).getReason().startsWith("invalid-value: event time") && dead.get(3).getReason().contains("behind"),
                    dead.get(3).getReason());
        }
    }

    @Test
    void negativeFlowRecordCountsAreDeadLetters() throws Exception {
        AvroDecodeFunction<FlowRecord> fn = new AvroDecodeFunction<>(Codecs.FLOW_RECORD,
                RecordValidators.withEventTime(RecordValidators::flowRecord, r -> r.getEndMicros() / 1000, BOUNDS), 1024);
        try (OneInputStreamOperatorTestHarness<RawRecord, FlowRecord> h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.processElement(new RawRecord("flow-records", 0, 1, 5, Codecs.FLOW_RECORD.encode(flowRecord(-3))), 5);
            h.processElement(new RawRecord("flow-records", 0, 2, 5, Codecs.FLOW_RECORD.encode(flowRecord(3))), 5);
            assertEquals(List.of(flowRecord(3)), h.extractOutputValues());
            DeadLetter d = h.getSideOutput(SideOutputs.DEAD_LETTERS).peek().getValue();
            assertEquals("invalid-value: negative packet or byte count", d.getReason());
        }
    }

    @Test
    void recordsOutsideTheBoundsNeverAdvanceTheWatermark() {
        long now = System.currentTimeMillis();
        assertEquals(now - 5, RawEventTime.bounded(now - 5, BOUNDS));
        assertEquals(Long.MIN_VALUE, RawEventTime.bounded(now + 2 * 86_400_000L, BOUNDS), "far future");
        assertEquals(Long.MIN_VALUE, RawEventTime.bounded(631_152_000_000L, BOUNDS), "far past");
        assertEquals(631_152_000_000L, RawEventTime.bounded(631_152_000_000L,
                EventTimeBounds.of(Duration.ofDays(1), null)), "no age bound by default: replays of old captures");
        long future = now + 30L * 86_400_000;
        assertEquals(Long.MIN_VALUE, RawEventTime.packets(BOUNDS)
                .extractTimestamp(new RawRecord("packets", 0, 0, 0, Codecs.PACKET_EVENT.encode(packet(future))), 0));
        assertNull(EventTimeBounds.unbounded().check(future, now));
    }
}
