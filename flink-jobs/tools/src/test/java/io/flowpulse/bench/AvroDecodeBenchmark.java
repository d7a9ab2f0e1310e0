package io.flowpulse.bench;

import io.flowpulse.records.codec.AvroCodec;
import io.flowpulse.records.codec.Codecs;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * Avro single-object decode ({@code Codecs}: magic, fingerprint lookup, binary body) of the job's
 * three inputs, from real records: pcap packets, ALF exporter flows (with per-packet arrays),
 * simulated port samples. Score: records per second, one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AvroDecodeBenchmark {
    @Param({"PacketEvent", "FlowRecord", "PortSample"})
    public String record;

    AvroCodec<? extends SpecificRecordBase> codec;
    byte[][] encoded;
    int next;

    @Setup(Level.Trial)
    public void encode() throws Exception {
        switch (record) {
            case "PacketEvent" -> set(Codecs.PACKET_EVENT, BenchData.packets(10_000));
            case "FlowRecord" -> set(Codecs.FLOW_RECORD, BenchData.flowRecords(10_000));
            case "PortSample" -> set(Codecs.PORT_SAMPLE, BenchData.portSamples(10_000));
            default -> throw new IllegalArgumentException(record);
        }
    }

    private <T extends SpecificRecordBase> void set(AvroCodec<T> c, List<T> records) {
        codec = c;
        encoded = new byte[records.size()][];
        for (int k = 0; k < encoded.length; k++) {
            encoded[k] = c.encode(records.get(k));
        }
    }

    @Benchmark
    public Object decode() throws Exception {
        byte[] b = encoded[next];
        next = next + 1 == encoded.length ? 0 : next + 1;
        return codec.decode(b);
    }
}
