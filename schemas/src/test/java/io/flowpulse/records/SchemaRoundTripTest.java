package io.flowpulse.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.records.codec.RecordDecodeException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaRoundTripTest {

    static FlowKey key() {
        return FlowKey.newBuilder()
                .setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                .setSrcPort(40000).setDstPort(443).setProtocol(6).build();
    }

    static List<Object> samples() {
        return List.of(
                PacketEvent.newBuilder().setTimestampMicros(1_700_000_000_000_000L)
                        .setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                        .setSrcPort(40000).setDstPort(443).setProtocol(6).setLinkLength(74)
                        .setIpLength(60).setL4HeaderLength(40).setPayloadLength(0).setTcpFlags(2)
                        .setTcpWindow(64240).build(),
                FlowRecord.newBuilder().setKey(key()).setStartMicros(1).setEndMicros(2)
                        .setFwdPackets(3).setFwdBytes(400).build(),
                FlowFeatures.newBuilder().setKey(key()).setStartMicros(1).setEndMicros(5)
                        .setTermination(FlowTermination.FIN)
                        .setFeatures(Map.of("bidirectional_packets", 10.0))
                        .setFirstPacketSizes(List.of(60, 52)).setFirstPacketDirections(List.of(1, -1))
                        .setFirstPacketIatMicros(List.of(0L, 120L)).build(),
                PortSample.newBuilder().setDevice("sw1").setPort("eth0").setDirection(Direction.IN)
                        .setTimestampMillis(1000).setKind(SampleKind.COUNTER).setBytes(123).build(),
                PortPoint.newBuilder().setDevice("sw1").setPort("eth0").setDirection(Direction.OUT)
                        .setBucketStartMillis(0).setBucketEndMillis(1800000).setBytes(1e6)
                        .setSampleCount(6).setFilled(false).build(),
                Classification.newBuilder().setKey(key()).setFlowStartMicros(1).setFlowEndMicros(2)
                        .setLabel("doh").setProbabilities(Map.of("doh", 0.9, "other", 0.1))
                        .setUncertainty(0.1).setModelId("doh").setModelVersion(3).build(),
                AnomalyScore.newBuilder().setDevice("sw1").setPort("eth0").setDirection(Direction.IN)
                        .setBucketEndMillis(1800000).setValue(5).setExpected(3).setLower(1)
                        .setUpper(4).setScore(2.5).setAnomalous(true).setModelId("holt-winters")
                        .setModelVersion(1).build(),
                Alert.newBuilder().setAlertId("a1").setDevice("sw1").setPort("eth0")
                        .setDirection(Direction.IN).setSeverity(Severity.CRITICAL)
                        .setState(AlertState.ESCALATED).setFirstBucketMillis(0)
                        .setLastBucketMillis(1).setCount(4).setPeakScore(7).build(),
                AnnotationRequest.newBuilder().setRequestId("r1").setKey(key()).setFlowStartMicros(1)
                        .setFeatures(Map.of("x", 1.0)).setScore(0.4).setStrategy("margin")
                        .setRequestedMillis(5).build(),
                Annotation.newBuilder().setKey(key()).setFeatures(Map.of("x", 1.0)).setLabel("doh")
                        .setAnnotator("blacklist").setAnnotatedMillis(6).build(),
                ModelUpdate.newBuilder().setModelId("doh").setKind(ModelKind.FLOW_CLASSIFIER)
                        .setVersion(2).setCreatedMillis(7).setFormat("test")
                        .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build(),
                DeadLetter.newBuilder().setTopic("packets").setPartition(0).setOffset(9)
                        .setReason("malformed-avro-body").setFailedMillis(8).build(),
                ModelEvent.newBuilder().setModelId("doh").setVersion(3).setKind(ModelKind.FLOW_CLASSIFIER)
                        .setOutcome(ModelOutcome.REJECTED).setReason("bad signature").setServingVersion(2)
                        .setAtMillis(9).build(),
                PacketBatch.newBuilder().setBaseTimestampMicros(1_700_000_000_000_000L).setSourceId("agent-1")
                        .setPackets(List.of(BatchedPacket.newBuilder().setTimeDeltaMicros(12)
                                .setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                                .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2}))
                                .setSrcPort(40000).setDstPort(443).setProtocol(6).setLinkLength(74)
                                .setIpLength(60).setL4HeaderLength(40).setPayloadLength(0).setTcpFlags(2)
                                .setTcpWindow(64240).setVlanId(7).build())).build());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Test
    void everyWireTypeRoundTripsThroughSingleObjectEncoding() throws Exception {
        List<Object> samples = samples();
        assertEquals(Codecs.ALL.size(), samples.size(), "one sample per codec");
        for (Object sample : samples) {
            AvroCodec codec = Codecs.ALL.stream().filter(c -> c.type() == sample.getClass())
                    .findFirst().orElseThrow();
            byte[] bytes = codec.encode((org.apache.avro.specific.SpecificRecordBase) sample);
            assertEquals((byte) 0xC3, bytes[0]);
            assertEquals((byte) 0x01, bytes[1]);
            assertEquals(sample, codec.decode(bytes), sample.getClass().getSimpleName());
        }
    }

    /** AvroCodec's own buffered writer gives exactly Avro's single-object bytes, again and again on one thread. */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void encodingIsByteForByteAvrosMessageEncoder() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (Object sample : samples()) {
                AvroCodec codec = Codecs.ALL.stream().filter(c -> c.type() == sample.getClass()).findFirst().orElseThrow();
                ByteBuffer avro = new BinaryMessageEncoder<>(org.apache.avro.specific.SpecificData.get(), codec.schema())
                        .encode(sample);
                byte[] expected = new byte[avro.remaining()];
                avro.get(expected);
                assertTrue(java.util.Arrays.equals(expected, codec.encode((org.apache.avro.specific.SpecificRecordBase) sample)),
                        sample.getClass().getSimpleName());
            }
        }
        // a record larger than the first buffer, then a small one: no bytes of the large one left behind
        FlowRecord big = (FlowRecord) samples().stream().filter(o -> o instanceof FlowRecord).findFirst().orElseThrow();
        FlowRecord large = FlowRecord.newBuilder(big).setPacketTimesMicros(java.util.Collections.nCopies(5_000, 123_456_789L)).build();
        assertEquals(large, Codecs.FLOW_RECORD.decode(Codecs.FLOW_RECORD.encode(large)));
        assertEquals(big, Codecs.FLOW_RECORD.decode(Codecs.FLOW_RECORD.encode(big)));
    }

    @Test
    void garbageIsRejectedWithAReason() {
        RecordDecodeException e = assertThrows(RecordDecodeException.class,
                () -> Codecs.PACKET_EVENT.decode("hello, not avro".getBytes()));
        assertEquals("not-single-object-avro", e.reason());
    }

    @Test
    void unknownFingerprintIsRejectedWithAReason() {
        byte[] bytes = Codecs.PORT_SAMPLE.encode((PortSample) samples().get(3));
        bytes[5] ^= 0x5A; // corrupt the fingerprint
        RecordDecodeException e = assertThrows(RecordDecodeException.class,
                () -> Codecs.PORT_SAMPLE.decode(bytes));
        assertEquals("unknown-schema-fingerprint", e.reason());
    }

    @Test
    void anotherTypesRecordIsAnUnknownFingerprint() {
        byte[] alert = Codecs.ALERT.encode((Alert) samples().get(7));
        RecordDecodeException e = assertThrows(RecordDecodeException.class,
                () -> Codecs.PACKET_EVENT.decode(alert));
        assertEquals("unknown-schema-fingerprint", e.reason());
    }

    @Test
    void truncatedBodyIsMalformed() {
        byte[] full = Codecs.PACKET_EVENT.encode((PacketEvent) samples().get(0));
        byte[] cut = java.util.Arrays.copyOf(full, 14);
        RecordDecodeException e = assertThrows(RecordDecodeException.class,
                () -> Codecs.PACKET_EVENT.decode(cut));
        assertEquals("malformed-avro-body", e.reason());
    }

    @Test
    void olderWriterSchemaIsResolvedToTheCurrentReader() throws Exception {
        // A writer one version behind: PortSample without the optional 'packets' and 'counterBits'.
        Schema current = Codecs.PORT_SAMPLE.schema();
        Schema older = SchemaBuilder.record("PortSample").namespace("io.flowpulse.records").fields()
                .requiredString("device").requiredString("port")
                .name("direction").type(current.getField("direction").schema()).noDefault()
                .requiredLong("timestampMillis")
                .name("kind").type(current.getField("kind").schema()).noDefault()
                .requiredLong("bytes").endRecord();
        GenericRecord old = new GenericData.Record(older);
        old.put("device", "sw9");
        old.put("port", "xe-0/0/1");
        old.put("direction", new GenericData.EnumSymbol(current.getField("direction").schema(), "OUT"));
        old.put("timestampMillis", 42L);
        old.put("kind", new GenericData.EnumSymbol(current.getField("kind").schema(), "DELTA"));
        old.put("bytes", 999L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

        org.apache.avro.message.BinaryMessageDecoder<PortSample> decoder = PortSample.createDecoder(null);
        decoder.addSchema(older);
        PortSample decoded = decoder.decode(bytes);
        assertEquals("sw9", decoded.getDevice());
        assertEquals(64, decoded.getCounterBits());
        assertTrue(decoded.getPackets() == null);
    }

    @Test
    void aFlowRecordWrittenWithTheShippedV1SchemaDecodesWithTheCurrentCodec() throws Exception {
        Schema v1 = AvroCodec.parseHistorical("FlowRecord.v1.avsc");
        GenericRecord key = new GenericData.Record(v1.getField("key").schema());
        key.put("srcIp", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        key.put("dstIp", ByteBuffer.wrap(new byte[] {5, 6, 7, 8}));
        key.put("srcPort", 1);
        key.put("dstPort", 2);
        key.put("protocol", 17);
        GenericRecord old = new GenericData.Record(v1);
        old.put("key", key);
        old.put("startMicros", 10L);
        old.put("endMicros", 20L);
        old.put("fwdPackets", 3L);
        old.put("bwdPackets", 1L);
        old.put("fwdBytes", 300L);
        old.put("bwdBytes", 60L);
        old.put("tcpFlags", 0);
        old.put("exporter", null);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();
        FlowRecord decoded = Codecs.FLOW_RECORD.decode(bytes);
        assertEquals(3L, decoded.getFwdPackets());
        assertEquals(List.of(), decoded.getPacketLengths(), "new v2 field takes its default");
    }
}
