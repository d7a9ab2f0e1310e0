package io.flowpulse.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a schema change is not backward compatible: the current (reader) schema
 * of every wire type must read data written with every shipped version under avro/history/.
 * Changing a schema means: make the change compatible (new fields need defaults), then add the
 * new version to avro/history/ and INDEX.
 */
class SchemaCompatibilityTest {

    @Test
    void currentSchemasReadEveryShippedVersion() {
        List<String> problems = new ArrayList<>();
        for (AvroCodec<?> codec : Codecs.ALL) {
            Schema current = codec.schema();
            List<Schema> history = AvroCodec.historicalSchemas(codec.type().getSimpleName());
            assertFalse(history.isEmpty(), "no shipped version of " + codec.type().getSimpleName());
            for (Schema old : history) {
                SchemaCompatibility.SchemaPairCompatibility result =
                        SchemaCompatibility.checkReaderWriterCompatibility(current, old);
                if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                    problems.add(codec.type().getSimpleName() + ": " + result.getDescription());
                }
            }
        }
        if (!problems.isEmpty()) {
            fail("backward-incompatible schema changes:\n" + String.join("\n", problems));
        }
    }

    @Test
    void latestShippedVersionEqualsTheCurrentSchema() {
        // Forces a new history entry for every change, so the check above always sees it.
        for (AvroCodec<?> codec : Codecs.ALL) {
            List<Schema> history = AvroCodec.historicalSchemas(codec.type().getSimpleName());
            Schema latest = history.get(history.size() - 1);
            assertEquals(SchemaNormalizationFingerprint.of(codec.schema()),
                    SchemaNormalizationFingerprint.of(latest),
                    codec.type().getSimpleName() + " changed: add it to avro/history as a new version");
        }
    }

    @Test
    void packetEventAndPacketBatchShareTheTopicAndDifferByFingerprint() throws Exception {
        // both go to 'packets': consumers pick the reader by the single-object fingerprint
        assertNotEquals(SchemaNormalizationFingerprint.of(Codecs.PACKET_EVENT.schema()),
                SchemaNormalizationFingerprint.of(Codecs.PACKET_BATCH.schema()));
        PacketBatch batch = PacketBatch.newBuilder().setBaseTimestampMicros(5).setPackets(List.of()).build();
        byte[] bytes = Codecs.PACKET_BATCH.encode(batch);
        assertEquals(batch, Codecs.PACKET_BATCH.decode(bytes));
        io.flowpulse.records.codec.RecordDecodeException e = assertThrows(
                io.flowpulse.records.codec.RecordDecodeException.class, () -> Codecs.PACKET_EVENT.decode(bytes));
        assertEquals("unknown-schema-fingerprint", e.reason());
    }

    @Test
    void anIncompatibleChangeIsDetected() {
        Schema current = Codecs.PORT_SAMPLE.schema();
        String json = current.toString().replace(
                "{\"name\":\"bytes\",\"type\":\"long\"", "{\"name\":\"bytes\",\"type\":\"string\"");
        Schema broken = new Schema.Parser().parse(json);
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(broken, current).getType());
    }

    static final class SchemaNormalizationFingerprint {
        static long of(Schema s) {
            return org.apache.avro.SchemaNormalization.parsingFingerprint64(s);
        }
    }
}
