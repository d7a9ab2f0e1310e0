package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.RawRecord;
import io.flowpulse.records.SampleKind;
import io.flowpulse.records.codec.Codecs;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class AvroDecodeFunctionTest {

    static PortSample sample(long bytes) {
        return PortSample.newBuilder().setDevice("sw1").setPort("eth0").setDirection(Direction.IN)
                .setTimestampMillis(1_000).setKind(SampleKind.DELTA).setBytes(bytes).build();
    }

    @Test
    void goodRecordsPassAndEveryBadOneBecomesADeadLetterWithItsReason() throws Exception {
        AvroDecodeFunction<PortSample> fn = new AvroDecodeFunction<>(Codecs.PORT_SAMPLE, RecordValidators::portSample, 1024);
        try (OneInputStreamOperatorTestHarness<RawRecord, PortSample> h = ProcessFunctionTestHarnesses.forProcessFunction(fn)) {
            h.processElement(new RawRecord("port-samples", 0, 1, 5, Codecs.PORT_SAMPLE.encode(sample(10))), 5);
            h.processElement(new RawRecord("port-samples", 0, 2, 5, "junk".getBytes()), 5);
            h.processElement(new RawRecord("port-samples", 1, 3, 5, Codecs.PORT_SAMPLE.encode(sample(-1))), 5);
            h.processElement(new RawRecord("port-samples", 1, 4, 5, new byte[2048]), 5);
            h.processElement(new RawRecord("port-samples", 1, 5, 5, null), 5);
            h.processElement(new RawRecord("port-samples", 0, 6, 5, Codecs.PORT_SAMPLE.encode(sample(20))), 5);

            assertEquals(List.of(sample(10), sample(20)), h.extractOutputValues());
            List<DeadLetter> dead = h.getSideOutput(SideOutputs.DEAD_LETTERS).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertEquals(List.of(2L, 3L, 4L, 5L), dead.stream().map(DeadLetter::getOffset).collect(Collectors.toList()));
            assertEquals(List.of("not-single-object-avro", "invalid-value", "oversized-record", "null-value"),
                    dead.stream().map(d -> d.getReason().split(":")[0]).collect(Collectors.toList()));
            assertTrue(dead.get(1).getReason().contains("bytes must be >= 0"), dead.get(1).getReason());
            assertEquals(1024, dead.get(2).getRaw().remaining(), "oversized raw bytes are truncated to the limit");
        }
    }
}
