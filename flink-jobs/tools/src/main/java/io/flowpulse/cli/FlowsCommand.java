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
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./flowpulse flows --pcap FILE --output flows.csv}: runs the flow operator of the streaming
 * job ({@link FlowFeatureAggregator}) as a bounded job on a local
 * cluster over a capture and writes one CSV row per flow (see {@link FlowCsvSink}), sorted by start.
 */
public final class FlowsCommand implements Command {
    @Override
    public String name() {
        return "flows";
    }

    @Override
    public String summary() {
        return "extract per-flow features from a pcap/pcapng(.gz) into a CSV";
    }

    @Override
    public int run(String[] args) throws Exception {
        String pcap = null;
        String output = null;
        double idleSeconds = FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS / 1e6;
        double activeSeconds = FlowAggregatorParams.DEFAULT_ACTIVE_TIMEOUT_MICROS / 1e6;
        double outOfOrderSeconds = 10;
        int parallelism = 2;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                usage();
                return 0;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value for " + a);
                usage();
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--pcap" -> pcap = v;
                case "--output" -> output = v;
                case "--idle-timeout" -> idleSeconds = Double.parseDouble(v);
                case "--active-timeout" -> activeSeconds = Double.parseDouble(v);
                case "--max-out-of-order" -> outOfOrderSeconds = Double.parseDouble(v);
                case "--parallelism" -> parallelism = Integer.parseInt(v);
                default -> {
                    System.err.println("unknown option " + a);
                    usage();
                    return 2;
                }
            }
        }
        if (pcap == null || output == null) {
            usage();
            return 2;
        }
        FlowAggregatorParams params = new FlowAggregatorParams((long) (idleSeconds * 1e6), (long) (activeSeconds * 1e6),
                FlowAggregatorParams.DEFAULT_ACTIVITY_TIMEOUT_MICROS, FlowAggregatorParams.DEFAULT_FIRST_PACKETS);
        DecodeStats stats = new DecodeStats();
        long started = System.nanoTime();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        buildJob(env, pcap, params, (long) (outOfOrderSeconds * 1000), output, stats);
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
        FlowFeatureAggregator.apply(env.fromSource(PcapFilesGenerator.source(List.of(pcap), 0, stats),
                        WatermarkStrategy.<FlowPacket>forBoundedOutOfOrderness(Duration.ofMillis(maxOutOfOrderMillis))
                                .withTimestampAssigner((p, t) -> Math.floorDiv(p.timestampMicros, 1000)),
                        "pcap")
                .setParallelism(1), params, FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS)
                .name("flow-features")
                .sinkTo(new FlowCsvSink(output))
                .setParallelism(1)
                .name("csv");
    }

    /** Rewrites the CSV with its rows sorted by flow start; returns the number of rows. */
    static int sortByStart(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
        rows.sort(Comparator.comparingLong(r -> Long.parseLong(r.split(",", 7)[5])));
        List<String> out = new ArrayList<>(rows.size() + 1);
        out.add(lines.get(0));
        out.addAll(rows);
        Files.write(csv, out, StandardCharsets.UTF_8);
        return rows.size();
    }

    private static void usage() {
        System.err.println("usage: ./flowpulse flows --pcap FILE --output flows.csv [--idle-timeout S] [--active-timeout S]"
                + " [--max-out-of-order S] [--parallelism N]\n"
                + "  one CSV row per flow: 5-tuple, start, end, termination, then every feature (docs/flow-features.md)");
    }
}
