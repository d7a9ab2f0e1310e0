package io.flowpulse.cli;

import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.sinks.FlowCsvSink;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PcapFilesGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./flowpulse flows --pcap FILE --output flows.csv}: runs the flow operator of the streaming
 * job ({@link FlowFeatureAggregator}) as a bounded job on a local
 * cluster over a capture and writes one CSV row per flow (see {@link FlowCsvSink}), sorted by start.
 */
@Command(name = "flows", description = {"extract per-flow features from a pcap/pcapng(.gz) into a CSV",
        "One CSV row per flow: 5-tuple, start, end, termination, then every feature (docs/flow-features.md)."})
public final class FlowsCommand implements Callable<Integer> {
    @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "capture (pcap or pcapng, optionally .gz)")
    Path pcapFile;

    @Option(names = "--output", required = true, paramLabel = "FILE.csv", description = "flow table to write")
    Path outputFile;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", description = "flow idle timeout (default 120)")
    double idleSeconds = FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS / 1e6;

    @Option(names = "--active-timeout", paramLabel = "SECONDS", description = "flow active timeout (default 1800)")
    double activeSeconds = FlowAggregatorParams.DEFAULT_ACTIVE_TIMEOUT_MICROS / 1e6;

    @Option(names = "--max-out-of-order", paramLabel = "SECONDS", defaultValue = "10", description = "default ${DEFAULT-VALUE}")
    double outOfOrderSeconds;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "default ${DEFAULT-VALUE}")
    int parallelism;

    @Option(names = "--first-bytes-packets", paramLabel = "P", defaultValue = "0",
            description = "keep the first bytes of the transport header and payload of each flow's first P packets and write"
                    + " them as columns byte_p_j (0..255, -1 past the captured bytes); 0 = off (default ${DEFAULT-VALUE}, at most "
                    + FlowAggregatorParams.MAX_FIRST_BYTES_PACKETS + ")")
    int firstBytesPackets;

    @Option(names = "--first-bytes-length", paramLabel = "L", defaultValue = "" + FlowAggregatorParams.DEFAULT_FIRST_BYTES_LENGTH,
            description = "bytes per packet with --first-bytes-packets (default ${DEFAULT-VALUE}, at most "
                    + FlowAggregatorParams.MAX_FIRST_BYTES_LENGTH + ")")
    int firstBytesLength;

    @Option(names = "--sequence-packets", paramLabel = "N", defaultValue = "0",
            description = "also write the first N packets' signed sizes and IATs as columns size_i, iat_ms_i (the input of"
                    + " sequence models; default ${DEFAULT-VALUE} = none, 16 when --first-bytes-packets is set)")
    int sequencePackets;

    @Override
    public Integer call() throws Exception {
        InputFiles.capture(pcapFile, "--pcap");
        if (idleSeconds <= 0 || activeSeconds <= 0 || outOfOrderSeconds < 0 || parallelism < 1) {
            throw UserError.usage("--idle-timeout, --active-timeout and --parallelism must be positive");
        }
        String pcap = pcapFile.toString();
        String output = outputFile.toString();
        if (sequencePackets < 0 || sequencePackets > 1024) {
            throw UserError.usage("--sequence-packets 0..1024");
        }
        int sequence = sequencePackets == 0 && firstBytesPackets > 0 ? Math.max(16, firstBytesPackets) : sequencePackets;
        FlowAggregatorParams params;
        try {
            params = new FlowAggregatorParams((long) (idleSeconds * 1e6), (long) (activeSeconds * 1e6),
                    FlowAggregatorParams.DEFAULT_ACTIVITY_TIMEOUT_MICROS, Math.max(FlowAggregatorParams.DEFAULT_FIRST_PACKETS, sequence))
                    .withFirstBytes(firstBytesPackets, firstBytesLength);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("--first-bytes-packets/--first-bytes-length: " + e.getMessage());
        }
        DecodeStats stats = new DecodeStats();
        long started = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        buildJob(env, pcap, params, (long) (outOfOrderSeconds * 1000), output, stats, sequence);
        env.execute("flowpulse flows " + Path.of(pcap).getFileName());
        int flows = sortByStart(Path.of(output));
        System.out.printf("%s: %d packets decoded, %d skipped %s; %d flows -> %s (%.1f s)%n", pcap, stats.decoded,
                stats.skippedTotal(), stats.skipped, flows, output, (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /**
     * pcap source (parallelism 1: keeps capture order per flow) -> keyBy 5-tuple -> aggregator -> CSV.
     * Packets later than {@code maxOutOfOrderMillis} behind the newest go to the late side output.
     */
    static void buildJob(StreamExecutionEnvironment env, String pcap, FlowAggregatorParams params,
            long maxOutOfOrderMillis, String output, DecodeStats stats) {
        buildJob(env, pcap, params, maxOutOfOrderMillis, output, stats, 0);
    }

    /** As above; with {@code sequencePackets > 0} the CSV has the packet-sequence (and first-bytes) columns too. */
    static void buildJob(StreamExecutionEnvironment env, String pcap, FlowAggregatorParams params,
            long maxOutOfOrderMillis, String output, DecodeStats stats, int sequencePackets) {
        int transportBytes = params.firstBytesPackets > 0 ? params.firstBytesLength : 0;
        FlowFeatureAggregator.apply(env.fromSource(PcapFilesGenerator.source(List.of(pcap), 0, stats, transportBytes),
                        WatermarkStrategy.<FlowPacket>forBoundedOutOfOrderness(Duration.ofMillis(maxOutOfOrderMillis))
                                .withTimestampAssigner((p, t) -> Math.floorDiv(p.timestampMicros, 1000)),
                        "pcap")
                .setParallelism(1), params, FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS)
                .name("flow-features")
                .sinkTo(new FlowCsvSink(output, sequencePackets, params.firstBytesPackets, params.firstBytesLength))
                .setParallelism(1)
                .name("csv");
    }

    /** Rewrites the CSV with its rows sorted by flow start; returns the number of rows. */
    static int sortByStart(Path csv) throws Exception {
        List<org.apache.commons.csv.CSVRecord> rows;
        List<String> header;
        org.apache.commons.csv.CSVFormat in = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader()
                .setSkipHeaderRecord(true).get();
        try (org.apache.commons.csv.CSVParser p = org.apache.commons.csv.CSVParser.parse(csv, StandardCharsets.UTF_8, in)) {
            header = p.getHeaderNames();
            rows = new ArrayList<>(p.getRecords());
        }
        rows.sort(Comparator.comparing(r -> java.time.Instant.parse(r.get("start"))));
        try (org.apache.commons.csv.CSVPrinter out = new org.apache.commons.csv.CSVPrinter(
                Files.newBufferedWriter(csv, StandardCharsets.UTF_8),
                org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                        .setRecordSeparator('\n').get())) {
            for (org.apache.commons.csv.CSVRecord r : rows) {
                out.printRecord(r.toList());
            }
        }
        return rows.size();
    }
}
