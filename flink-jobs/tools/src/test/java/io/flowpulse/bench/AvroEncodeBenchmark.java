package io.flowpulse.bench;

import io.flowpulse.records.FlowFeatures;
import io.flowpulse.ml.features.FlowStatistics;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Avro single-object encode of what the job writes most: {@code flows} (FlowFeatures, ~100 named
 * features in a map) and packets. {@code codec}: flowpulse's {@link AvroCodec} (buffered writer,
 * per-thread buffer) against Avro's {@link BinaryMessageEncoder} (direct encoder), same bytes.
 * Score: records per second, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AvroEncodeBenchmark {
    @Param({"FlowFeatures", "PacketEvent"})
    public String record;

    @Param({"AvroCodec", "BinaryMessageEncoder"})
    public String codec;

    List<? extends SpecificRecordBase> records;
    AvroCodec<SpecificRecordBase> flowpulse;
    BinaryMessageEncoder<SpecificRecordBase> avro;
    int next;

    @Setup(Level.Trial)
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() throws Exception {
        switch (record) {
            case "FlowFeatures" -> {
                // the flow operator's full feature set (FlowStatistics) of 2,000 made-up 20-packet flows
                List<FlowFeatures> flows = new ArrayList<>();
                FlowKey key = FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 1}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 0, 2})).setSrcPort(40_000).setDstPort(443).setProtocol(6).build();
                for (int f = 0; f < 2_000; f++) {
                    FlowStatistics st = new FlowStatistics();
                    long t = 1_700_000_000_000_000L + f * 1_000_000L;
                    List<Integer> sizes = new ArrayList<>();
                    List<Integer> dirs = new ArrayList<>();
                    List<Long> iats = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                        st.add(t + k * (1_000L + f), k % 2 == 0, 100 + k * f % 1400, 80 + k * f % 1400, 20, 60 + k * f % 1400,
                                k == 0 ? FlowStatistics.SYN : FlowStatistics.ACK, 65_535, 5_000_000L);
                        sizes.add(80 + k * f % 1400);
                        dirs.add(k % 2 == 0 ? 1 : -1);
                        iats.add(k == 0 ? 0L : 1_000L + f);
                    }
                    flows.add(FlowFeatures.newBuilder().setKey(key).setStartMicros(t).setEndMicros(t + 19 * (1_000L + f))
                            .setTermination(FlowTermination.IDLE_TIMEOUT).setFeatures(st.toFeatures()).setFirstPacketSizes(sizes)
                            .setFirstPacketDirections(dirs).setFirstPacketIatMicros(iats).build());
                }
                records = flows;
                flowpulse = (AvroCodec) Codecs.FLOW_FEATURES;
            }
            case "PacketEvent" -> {
                List<PacketEvent> packets = BenchData.packets(10_000);
                records = packets;
                flowpulse = (AvroCodec) Codecs.PACKET_EVENT;
            }
            default -> throw new IllegalArgumentException(record);
        }
        avro = new BinaryMessageEncoder<>(SpecificData.get(), flowpulse.schema());
    }

    @Benchmark
    public Object encode() throws Exception {
        SpecificRecordBase r = records.get(next);
        next = next + 1 == records.size() ? 0 : next + 1;
        if (codec.equals("AvroCodec")) {
            return flowpulse.encode(r);
        }
        ByteBuffer b = avro.encode(r);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
