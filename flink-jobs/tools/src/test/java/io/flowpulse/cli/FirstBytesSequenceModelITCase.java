package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.BatchedClassifierOperator;
import io.flowpulse.functions.BroadcastStates;
import io.flowpulse.functions.FlowClassifierFunction;
import io.flowpulse.functions.FlowFeatureAggregator;
import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.features.FlowAggregatorParams;
import io.flowpulse.ml.sequence.CnnArchitecture;
import io.flowpulse.ml.sequence.SequenceCnnModel;
import io.flowpulse.ml.sequence.SequenceCnnTrainer;
import io.flowpulse.records.Classification;
import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.sources.pcap.DecodeStats;
import io.flowpulse.sources.pcap.PcapFilesGenerator;
import io.flowpulse.testing.TestClusters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's first-bytes input end to end on a real capture: pcap packets -> {@code ./flowpulse flows
 * --first-bytes-packets 5} (the flow operator keeps the first 64 transport bytes of each flow's
 * first 5 packets) -> a table with size/IAT and byte_p_j columns -> a 1-D CNN that takes bytes and
 * sizes trains on it -> the signed model is served in the job's batched classifier operator behind
 * the flow operator on the same capture, and every served flow gets exactly the probabilities the
 * model gives its table row (the job and the tooling build the same input).
 */
class FirstBytesSequenceModelITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    private static final byte[] KEY = "first-bytes-test-signing-key-123".getBytes(StandardCharsets.UTF_8);
    static final List<Classification> SERVED = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void pcapToFlowsWithFirstBytesToABytesAndSizesCnnThatTrainsAndServes(@TempDir Path dir) throws Exception {
        Path pcap = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data")).resolve("pcap/nfstream/pcaps/1kxun.pcap");
        Path csv = dir.resolve("flows.csv");
        assertEquals(0, FlowpulseCli.run(new String[] {"flows", "--pcap", pcap.toString(), "--output", csv.toString(),
                "--first-bytes-packets", "5", "--first-bytes-length", "64", "--sequence-packets", "8"}));

        // the bytes are the transport header: a flow's first packet starts with its source and destination port
        List<CSVRecord> rows;
        try (CSVParser p = CSVParser.parse(csv, StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            assertTrue(p.getHeaderNames().containsAll(List.of("size_7", "iat_ms_7", "byte_0_0", "byte_4_63")), p.getHeaderNames().toString());
            rows = p.getRecords();
        }
        int tcpOrUdp = 0;
        for (CSVRecord r : rows) {
            int proto = Integer.parseInt(r.get("protocol"));
            if (proto == 6 || proto == 17) {
                tcpOrUdp++;
                assertEquals(Integer.parseInt(r.get("src_port")), Integer.parseInt(r.get("byte_0_0")) * 256 + Integer.parseInt(r.get("byte_0_1")));
                assertEquals(Integer.parseInt(r.get("dst_port")), Integer.parseInt(r.get("byte_0_2")) * 256 + Integer.parseInt(r.get("byte_0_3")));
            }
            if (Double.parseDouble(r.get("bidirectional_packets")) < 5) {
                assertEquals("-1", r.get("byte_4_0"), "a flow with fewer packets has no bytes there");
            }
        }
        assertTrue(tcpOrUdp > 50, "TCP and UDP flows: " + tcpOrUdp);

        // a CNN over sizes/IATs of 8 packets plus 5 x 64 bytes, label: the transport protocol
        CnnArchitecture a = CnnArchitecture.parse("n=8 blocks=8k3max convs=1 global=max dense=0 bytes=5x64");
        assertEquals(3 + 64, a.channels());
        LabelledTable table = InputFiles.labelledCsv(csv, "--dataset", "protocol", a.featureNames());
        ModelUpdate update;
        Map<String, double[]> expected = new HashMap<>();
        try (SequenceCnnModel cnn = SequenceCnnTrainer.train(table, a, new SequenceCnnTrainer.Params(4, 16, 0.01f, 7))) {
            assertEquals(a.featureNames(), cnn.featureSchema().names());
            byte[] payload = cnn.encode();
            update = ModelUpdate.newBuilder().setModelId("bytes-cnn").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(1)
                    .setCreatedMillis(1).setFormat(cnn.format()).setPayload(ByteBuffer.wrap(payload))
                    .setSignature(ByteBuffer.wrap(new ModelSigner(KEY).sign("bytes-cnn", "FLOW_CLASSIFIER", 1, cnn.format(), payload)))
                    .build();
            try (SequenceCnnModel decoded = SequenceCnnModel.decode(payload)) {
                assertEquals(a, decoded.architecture());
            }
            for (int i = 0; i < rows.size(); i++) {
                double[] p = new double[cnn.labels().size()];
                cnn.predictProba(table.rows.get(i), p);
                expected.put(flowId(rows.get(i).get("src_ip"), rows.get(i).get("src_port"), rows.get(i).get("dst_ip"),
                        rows.get(i).get("dst_port"), rows.get(i).get("start")), p);
            }
        }

        // served: capture -> flow operator with first bytes -> batched classifier with the signed model
        FlowAggregatorParams params = new FlowAggregatorParams(FlowAggregatorParams.DEFAULT_IDLE_TIMEOUT_MICROS,
                FlowAggregatorParams.DEFAULT_ACTIVE_TIMEOUT_MICROS, FlowAggregatorParams.DEFAULT_ACTIVITY_TIMEOUT_MICROS, 30)
                .withFirstBytes(5, 64);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        DataStream<FlowPacket> packets = env.fromSource(PcapFilesGenerator.source(List.of(pcap.toString()), 0, new DecodeStats(), 64),
                WatermarkStrategy.<FlowPacket>forBoundedOutOfOrderness(Duration.ofSeconds(10))
                        .withTimestampAssigner((p, t) -> Math.floorDiv(p.timestampMicros, 1000)), "pcap").setParallelism(1);
        DataStream<ModelUpdate> models = env.fromData(TypeInformation.of(ModelUpdate.class), update).setParallelism(1);
        FlowClassifierFunction fn = new FlowClassifierFunction(new ModelUpdateValidator(KEY, Set.copyOf(a.featureNames())), 1_000_000)
                .withBatchSize(16);
        SERVED.clear();
        BatchedClassifierOperator.classify(FlowFeatureAggregator.apply(packets, params, 1), models.broadcast(BroadcastStates.MODELS),
                fn, 50, "classify").addSink(new org.apache.flink.streaming.api.functions.sink.legacy.SinkFunction<>() {
                    @Override
                    public void invoke(Classification c, Context context) {
                        SERVED.add(c);
                    }
                });
        env.execute("first bytes served");

        int compared = 0;
        for (Classification c : SERVED) {
            double[] want = expected.get(flowId(ip(c.getKey().getSrcIp()), "" + c.getKey().getSrcPort(), ip(c.getKey().getDstIp()),
                    "" + c.getKey().getDstPort(), io.flowpulse.sinks.RecordCsvWriter.iso(c.getFlowStartMicros(), true)));
            if (want == null) {
                continue; // flows the model saw before it was served are not classified; no other difference
            }
            List<String> labels = new ArrayList<>(c.getProbabilities().keySet());
            java.util.Collections.sort(labels);
            double[] got = new double[labels.size()];
            for (int i = 0; i < got.length; i++) {
                got[i] = c.getProbabilities().get(labels.get(i));
            }
            assertArrayEquals(want, got, 1e-5, "served probabilities of " + c.getKey());
            compared++;
        }
        assertTrue(compared > 50, "served and compared: " + compared + " of " + SERVED.size());
    }

    private static String ip(ByteBuffer b) throws Exception {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return java.net.InetAddress.getByAddress(bytes).getHostAddress();
    }

    private static String flowId(String srcIp, String srcPort, String dstIp, String dstPort, String start) {
        return srcIp + ":" + srcPort + ">" + dstIp + ":" + dstPort + "@" + start;
    }
}
