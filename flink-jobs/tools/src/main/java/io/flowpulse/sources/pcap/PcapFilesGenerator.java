package io.flowpulse.sources.pcap;

import io.flowpulse.records.FlowPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Bounded source of the decoded packets of one or more capture files, as a
 * {@link DataGeneratorSource} over packet indexes: each reader subtask decodes the files once in
 * {@link #open} and serves its index range. Packets carry their file name as {@code sourceId}.
 *
 * <p>With {@code fileSpacingMicros > 0} the files are laid end to end in time (file {@code i}
 * starts at {@code i * fileSpacingMicros}), so one job can take many unrelated captures without
 * flows of different files meeting on the same 5-tuple.
 */
public final class PcapFilesGenerator implements GeneratorFunction<Long, FlowPacket> {
    private static final long serialVersionUID = 1L;

    private final List<String> paths;
    private final long fileSpacingMicros;
    /** Transport bytes kept per packet ({@link PacketDecoder#keepTransportBytes}); 0 = none. */
    private final int transportBytes;
    private transient FlowPacket[] packets;

    public PcapFilesGenerator(List<String> paths, long fileSpacingMicros) {
        this(paths, fileSpacingMicros, 0);
    }

    public PcapFilesGenerator(List<String> paths, long fileSpacingMicros, int transportBytes) {
        this.paths = new ArrayList<>(paths);
        this.fileSpacingMicros = fileSpacingMicros;
        this.transportBytes = transportBytes;
    }

    /** A bounded source of every decodable packet of the files; decode statistics go to {@code stats}. */
    public static DataGeneratorSource<FlowPacket> source(List<String> paths, long fileSpacingMicros,
            DecodeStats stats) {
        return source(paths, fileSpacingMicros, stats, 0);
    }

    /** As above, keeping the first {@code transportBytes} bytes after each packet's IP header too. */
    public static DataGeneratorSource<FlowPacket> source(List<String> paths, long fileSpacingMicros,
            DecodeStats stats, int transportBytes) {
        long count = load(paths, fileSpacingMicros, stats, 0).length;
        return new DataGeneratorSource<>(new PcapFilesGenerator(paths, fileSpacingMicros, transportBytes), count,
                FlowPacket.TYPE);
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        packets = load(paths, fileSpacingMicros, new DecodeStats(), transportBytes);
    }

    @Override
    public FlowPacket map(Long index) {
        return packets[(int) (long) index];
    }

    /**
     * Decodes all files in order (deterministic: the client and every subtask get the same array).
     * With spacing, file {@code i}'s earliest packet is moved to {@code i * spacing}; the spacing
     * grows to exceed the longest file span (captures with bogus timestamps), so files never overlap.
     */
    public static FlowPacket[] load(List<String> paths, long fileSpacingMicros, DecodeStats stats) {
        return load(paths, fileSpacingMicros, stats, 0);
    }

    /** As above, keeping the first {@code transportBytes} bytes after each packet's IP header. */
    public static FlowPacket[] load(List<String> paths, long fileSpacingMicros, DecodeStats stats, int transportBytes) {
        List<List<FlowPacket>> files = new ArrayList<>();
        long spacing = fileSpacingMicros;
        for (String file : paths) {
            Path path = Path.of(file);
            PacketDecoder decoder = new PacketDecoder(stats, path.getFileName().toString()).keepTransportBytes(transportBytes);
            List<FlowPacket> packets = new ArrayList<>();
            try {
                for (PcapFrame frame : PcapReader.readAll(path)) {
                    FlowPacket p = decoder.decodePacket(frame);
                    if (p != null) {
                        packets.add(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
            if (fileSpacingMicros > 0 && !packets.isEmpty()) {
                long min = packets.stream().mapToLong(p -> p.timestampMicros).min().getAsLong();
                long max = packets.stream().mapToLong(p -> p.timestampMicros).max().getAsLong();
                spacing = Math.max(spacing, max - min + fileSpacingMicros);
            }
            files.add(packets);
        }
        List<FlowPacket> all = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            List<FlowPacket> packets = files.get(i);
            if (fileSpacingMicros > 0 && !packets.isEmpty()) {
                long min = packets.stream().mapToLong(p -> p.timestampMicros).min().getAsLong();
                long shift = i * spacing - min;
                for (FlowPacket p : packets) {
                    p.timestampMicros += shift;
                }
            }
            all.addAll(packets);
        }
        return all.toArray(new FlowPacket[0]);
    }
}
