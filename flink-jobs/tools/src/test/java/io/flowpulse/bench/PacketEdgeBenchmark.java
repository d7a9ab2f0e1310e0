package io.flowpulse.bench;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import io.flowpulse.records.PacketBatchCodec;
import io.flowpulse.records.PacketEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamElement;
import org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The packets path's per-packet work on both sides of the keyBy edge, one thread, from real
 * packets (throughput-merged.pcap.gz) in PacketBatch records of 67 (the bench's average):
 * {@code decode} = PacketBatchCodec only; {@code sender} = decode, then per packet what the
 * source task does after it: FlowPacketKey, key group and channel, StreamRecord serialized by
 * Flink's StreamElementSerializer with FlowPacket's serializer (as RecordWriter does, length
 * prefix included); {@code receiver} = the flow operator's input side: a new FlowPacket
 * deserialized per record (Flink's network input never reuses) and its key. Score: ns per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PacketEdgeBenchmark {
    static final int BATCH = 67;
    static final int BATCHES = 150;
    static final int PACKETS = BATCH * BATCHES;

    byte[][] batches;
    PacketBatchCodec codec;
    PacketBatchCodec.Decoded decoded;
    StreamElementSerializer<FlowPacket> serializer;
    DataOutputSerializer out;
    StreamRecord<FlowPacket> record;
    byte[] edgeBytes;
    int edgeLength;
    DataInputDeserializer in;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<PacketEvent> events = BenchData.packets(PACKETS);
        codec = new PacketBatchCodec(false);
        List<FlowPacket> packets = new ArrayList<>();
        for (PacketEvent e : events) {
            packets.add(FlowPacket.from(e, false));
        }
        batches = new byte[BATCHES][];
        for (int b = 0; b < BATCHES; b++) {
            batches[b] = codec.encodeBatch(null, packets, b * BATCH, (b + 1) * BATCH);
        }
        decoded = new PacketBatchCodec.Decoded();
        serializer = new StreamElementSerializer<>(FlowPacket.TYPE.createSerializer(null));
        out = new DataOutputSerializer(128);
        record = new StreamRecord<>(null);
        DataOutputSerializer all = new DataOutputSerializer(PACKETS * 64);
        for (FlowPacket p : packets) {
            record.replace(p, p.timestampMicros / 1000);
            serializer.serialize(record, all);
        }
        edgeBytes = all.getCopyOfBuffer();
        edgeLength = all.length();
        System.out.printf("keyBy edge: %.1f bytes per packet (StreamRecord tag + timestamp + FlowPacket)%n",
                edgeLength / (double) PACKETS);
        in = new DataInputDeserializer();
    }

    private byte[] nextBatch() {
        byte[] b = batches[next];
        next = next + 1 == BATCHES ? 0 : next + 1;
        return b;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decode() throws Exception {
        codec.decodeBatch(nextBatch(), decoded);
        return decoded.size;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int sender() throws Exception {
        codec.decodeBatch(nextBatch(), decoded);
        int sum = 0;
        for (int i = 0; i < decoded.size; i++) {
            FlowPacket p = decoded.packets[i];
            sum += KeyGroupRangeAssignment.assignKeyToParallelOperator(FlowPacketKey.of(p), 128, 2);
            out.clear();
            out.skipBytesToWrite(4);
            record.replace(p, p.timestampMicros / 1000);
            serializer.serialize(record, out);
            out.writeIntUnsafe(out.length() - 4, 0);
            sum += out.length();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public int receiver() throws Exception {
        in.setBuffer(edgeBytes, 0, edgeLength);
        int sum = 0;
        for (int i = 0; i < PACKETS; i++) {
            StreamElement e = serializer.deserialize(in);
            sum += FlowPacketKey.of(e.<FlowPacket>asRecord().getValue()).hashCode();
        }
        return sum;
    }
}
