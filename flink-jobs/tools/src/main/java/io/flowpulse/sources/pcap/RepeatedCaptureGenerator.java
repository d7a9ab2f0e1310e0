package io.flowpulse.sources.pcap;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Benchmark packet source: one capture held in memory as raw frames and replayed, decoded frame by
 * frame into {@link FlowPacket}s (so decoding is part of the measured work), repetition {@code r}
 * shifted by {@code r} times (capture span + {@code gapMicros}) so repetitions are new flows.
 *
 * <p>Not partitioned (one source subtask): global packet {@code g} is frame {@code g % n} of
 * repetition {@code g / n}, one ordered stream as from one capture point.
 *
 * <p>Partitioned by flow key ({@code partitioned}, one source subtask per flow operator subtask):
 * subtask {@code s} of {@code P} replays only the frames whose bidirectional 5-tuple falls into
 * the key groups Flink assigns to operator subtask {@code s} (as a capture agent fanning packets
 * out to N queues by flow hash does), so the stream can be declared keyed
 * ({@code DataStreamUtils.reinterpretAsKeyedStream}) and the flow operator chained to the reader.
 * Each subtask replays its share of the frames repeatedly for {@code totalPackets / P} packets.
 */
public final class RepeatedCaptureGenerator implements GeneratorFunction<Long, FlowPacket> {
    private static final long serialVersionUID = 2L;

    private final String path;
    private final long totalPackets;
    private final long gapMicros;
    private final boolean partitioned;
    private final int maxParallelism;
    private transient List<PcapFrame> frames;
    private transient PacketDecoder decoder;
    private transient long periodMicros;
    private transient long perSubtask;

    public RepeatedCaptureGenerator(String path, long totalPackets, long gapMicros) {
        this(path, totalPackets, gapMicros, false, 0);
    }

    public RepeatedCaptureGenerator(String path, long totalPackets, long gapMicros, boolean partitioned,
            int maxParallelism) {
        this.path = path;
        this.totalPackets = totalPackets;
        this.gapMicros = gapMicros;
        this.partitioned = partitioned;
        this.maxParallelism = maxParallelism;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        open(readerContext.getIndexOfSubtask(), readerContext.currentParallelism());
    }

    /** Loads the capture for reader subtask {@code subtask} of {@code parallelism} (also usable outside Flink). */
    public void open(int subtask, int parallelism) {
        DecodeStats stats = new DecodeStats();
        List<PcapFrame> all = decodableFrames(Path.of(path), stats);
        decoder = new PacketDecoder(new DecodeStats(), null); // no per-packet source string on the wire
        periodMicros = periodMicros(all, gapMicros);
        perSubtask = (totalPackets + parallelism - 1) / parallelism;
        if (partitioned && parallelism > 1) {
            frames = new ArrayList<>();
            for (PcapFrame f : all) {
                FlowPacketKey key = FlowPacketKey.of(decoder.decodePacket(f));
                if (KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism) == subtask) {
                    frames.add(f);
                }
            }
        } else {
            frames = all;
        }
    }

    /** How far repetition r + 1 is shifted from repetition r: the frames' time span plus {@code gapMicros}. */
    public static long periodMicros(List<PcapFrame> frames, long gapMicros) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (PcapFrame f : frames) {
            min = Math.min(min, f.timestampMicros);
            max = Math.max(max, f.timestampMicros);
        }
        return max - min + gapMicros;
    }

    /** Frames of the capture that decode to a packet (ARP and the like are dropped up front). */
    public static List<PcapFrame> decodableFrames(Path path, DecodeStats stats) {
        try {
            PacketDecoder d = new PacketDecoder(stats, "probe");
            List<PcapFrame> out = new ArrayList<>();
            for (PcapFrame f : PcapReader.readAll(path)) {
                if (d.decodePacket(f) != null) {
                    out.add(f);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public FlowPacket map(Long index) {
        // each subtask reads one contiguous index range of perSubtask indexes (or the whole range)
        long local = partitioned ? index % perSubtask : index;
        int n = frames.size();
        FlowPacket p = decoder.decodePacket(frames.get((int) (local % n)));
        p.timestampMicros += (local / n) * periodMicros;
        return p;
    }
}
