package io.flowpulse.sources.pcap;

import io.flowpulse.records.PacketEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Benchmark packet source: one capture held in memory as raw frames and replayed, decoded frame by
 * frame (so decoding is part of the measured work), repetition {@code r} shifted by {@code r} times
 * (capture span + {@code gapMicros}) so repetitions are new flows. Global packet {@code g} is frame
 * {@code g % n} of repetition {@code g / n}.
 *
 * <p>With {@code interleave = k > 1} (one per source subtask of a {@code DataGeneratorSource}, which
 * gives each subtask a contiguous index range) index {@code i} of range {@code s} becomes global
 * packet {@code i * k + s}, so all subtasks move through event time together instead of subtask 1
 * starting where subtask 0 ends.
 */
public final class RepeatedCaptureGenerator implements GeneratorFunction<Long, PacketEvent> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final long totalPackets;
    private final int interleave;
    private final long gapMicros;
    private transient List<PcapFrame> frames;
    private transient PacketDecoder decoder;
    private transient long periodMicros;

    public RepeatedCaptureGenerator(String path, long totalPackets, int interleave, long gapMicros) {
        this.path = path;
        this.totalPackets = totalPackets;
        this.interleave = Math.max(1, interleave);
        this.gapMicros = gapMicros;
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        DecodeStats stats = new DecodeStats();
        frames = decodableFrames(Path.of(path), stats);
        decoder = new PacketDecoder(new DecodeStats(), null); // no per-packet source string on the wire
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (PcapFrame f : frames) {
            min = Math.min(min, f.timestampMicros);
            max = Math.max(max, f.timestampMicros);
        }
        periodMicros = max - min + gapMicros;
    }

    /** Frames of the capture that decode to a packet (ARP and the like are dropped up front). */
    public static List<PcapFrame> decodableFrames(Path path, DecodeStats stats) {
        try {
            PacketDecoder d = new PacketDecoder(stats, "probe");
            List<PcapFrame> out = new ArrayList<>();
            for (PcapFrame f : PcapReader.readAll(path)) {
                if (d.decode(f) != null) {
                    out.add(f);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public PacketEvent map(Long index) {
        long perSubtask = (totalPackets + interleave - 1) / interleave;
        long global = interleave == 1 ? index : (index % perSubtask) * interleave + index / perSubtask;
        int n = frames.size();
        PcapFrame f = frames.get((int) (global % n));
        PacketEvent p = decoder.decode(f);
        p.setTimestampMicros(p.getTimestampMicros() + (global / n) * periodMicros);
        return p;
    }
}
