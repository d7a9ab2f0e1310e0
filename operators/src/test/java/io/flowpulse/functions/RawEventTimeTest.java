package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.records.Direction;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RawEventTimeTest {
    @Test
    void readsTheTimestampWithoutDecodingTheRecord() {
        PacketEvent p = PacketEvent.newBuilder().setTimestampMicros(1_763_856_000_123_456L)
                .setSrcIp(ByteBuffer.wrap(new byte[4])).setDstIp(ByteBuffer.wrap(new byte[4])).setProtocol(17)
                .setLinkLength(60).setIpLength(46).setL4HeaderLength(8).setPayloadLength(18).build();
        assertEquals(1_763_856_000_123L, RawEventTime.packetMillis(Codecs.PACKET_EVENT.encode(p)));
        // a PacketBatch: its base time, the earliest of its packets
        io.flowpulse.records.FlowPacket late = io.flowpulse.records.FlowPacket.from(p);
        late.timestampMicros += 5_000_000;
        assertEquals(1_763_856_000_123L, RawEventTime.packetMillis(new io.flowpulse.records.PacketBatchCodec()
                .encodeBatch(null, java.util.List.of(late, io.flowpulse.records.FlowPacket.from(p)))));
        PortSample s = PortSample.newBuilder().setDevice("core-1").setPort("xe-0/0/1").setDirection(Direction.OUT)
                .setTimestampMillis(1_763_856_000_999L).setKind(SampleKind.COUNTER).setBytes(5).build();
        assertEquals(1_763_856_000_999L, RawEventTime.portSampleMillis(Codecs.PORT_SAMPLE.encode(s)));
        io.flowpulse.records.FlowRecord r = io.flowpulse.records.FlowRecord.newBuilder()
                .setKey(io.flowpulse.records.FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[16]))
                        .setDstIp(ByteBuffer.wrap(new byte[4])).setSrcPort(1).setDstPort(2).setProtocol(17).build())
                .setStartMicros(1_763_856_000_000_000L).setEndMicros(1_763_856_001_500_000L).setFwdPackets(1).setFwdBytes(10).build();
        assertEquals(1_763_856_001_500L, RawEventTime.flowRecordMillis(Codecs.FLOW_RECORD.encode(r)));
    }

    @Test
    void garbageAndOtherTypesNeverAdvanceTheWatermark() {
        assertEquals(Long.MIN_VALUE, RawEventTime.packetMillis("junk".getBytes()));
        assertEquals(Long.MIN_VALUE, RawEventTime.packetMillis(null));
        PortSample s = PortSample.newBuilder().setDevice("d").setPort("p").setDirection(Direction.IN)
                .setTimestampMillis(5).setKind(SampleKind.DELTA).setBytes(5).build();
        assertEquals(Long.MIN_VALUE, RawEventTime.packetMillis(Codecs.PORT_SAMPLE.encode(s)));
        byte[] truncated = java.util.Arrays.copyOf(Codecs.PORT_SAMPLE.encode(s), 12);
        assertEquals(Long.MIN_VALUE, RawEventTime.portSampleMillis(truncated));
    }
}
