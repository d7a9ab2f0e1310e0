package io.flowpulse.functions;

import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.FlowTermination;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Signed test models (a stump on bidirectional_packets) and flows, for tests. */
public final class TestModels {
    public static final byte[] KEY = "flowpulse-test-signing-key-0001".getBytes(StandardCharsets.UTF_8);
    public static final FeatureSchema SCHEMA = new FeatureSchema(List.of("bidirectional_packets", "bidirectional_bytes"), 1);

    private TestModels() {}

    /** v-th model: flows with <= 10 packets are "small" with probability pSmall. */
    public static ModelUpdate stump(String id, long version, double pSmall) {
        PriorModel m = new PriorModel(SCHEMA, List.of("small", "large"), 0, 10.0,
                new double[] {pSmall, 1 - pSmall}, new double[] {1 - pSmall, pSmall});
        return signed(id, version, m.format(), m.encode(), KEY);
    }

    public static ModelUpdate signed(String id, long version, String format, byte[] payload, byte[] key) {
        byte[] sig = new ModelSigner(key).sign(id, ModelKind.FLOW_CLASSIFIER.name(), version, format, payload);
        return ModelUpdate.newBuilder()
                .setModelId(id).setKind(ModelKind.FLOW_CLASSIFIER).setVersion(version)
                .setCreatedMillis(1_000 + version).setMetrics(Map.of("macro_f1", 0.9))
                .setFormat(format).setPayload(ByteBuffer.wrap(payload)).setSignature(ByteBuffer.wrap(sig))
                .build();
    }

    public static FlowFeatures flow(int i, double packets) {
        return FlowFeatures.newBuilder()
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[] {10, 0, 0, (byte) i}))
                        .setDstIp(ByteBuffer.wrap(new byte[] {10, 0, 1, 1})).setSrcPort(40000 + i).setDstPort(443)
                        .setProtocol(6).build())
                .setStartMicros(1_000_000L * i).setEndMicros(1_000_000L * i + 500)
                .setTermination(FlowTermination.FIN)
                .setFeatures(Map.of("bidirectional_packets", packets, "bidirectional_bytes", packets * 100))
                .build();
    }

    /** A flow whose first packets are large and inbound ("bulk") or small both ways ("chatty"). */
    public static FlowFeatures sequenceFlow(int i, boolean bulk) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        java.util.List<Integer> dirs = new java.util.ArrayList<>();
        java.util.List<Long> iats = new java.util.ArrayList<>();
        for (int k = 0; k < 8; k++) {
            sizes.add(bulk ? (k == 0 ? 300 : 1300 + (i * 7 + k) % 150) : 80 + (i * 13 + k * 31) % 120);
            dirs.add(bulk ? (k == 0 ? 1 : -1) : (k % 2 == 0 ? 1 : -1));
            iats.add(k == 0 ? 0L : bulk ? 500L : 40_000L + (i * 997 + k) % 30_000);
        }
        return FlowFeatures.newBuilder(flow(i, 8)).setFirstPacketSizes(sizes).setFirstPacketDirections(dirs)
                .setFirstPacketIatMicros(iats).build();
    }

    /** A signed 1-D CNN (DJL) over the first 8 packets, trained on {@link #sequenceFlow}s: bulk vs chatty. */
    public static ModelUpdate sequenceCnn(String id, long version) {
        java.util.List<String> names = io.flowpulse.ml.sequence.PacketSequence.featureNames(8);
        int[] slots = names.stream().mapToInt(io.flowpulse.ml.sequence.PacketSequence::slot).toArray();
        java.util.List<double[]> rows = new java.util.ArrayList<>();
        java.util.List<String> labels = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            FlowFeatures f = sequenceFlow(i, i % 2 == 0);
            double[] x = new double[names.size()];
            io.flowpulse.ml.sequence.PacketSequence.fill(names, slots, f.getFeatures(), f.getFirstPacketSizes(),
                    f.getFirstPacketDirections(), f.getFirstPacketIatMicros(), x);
            rows.add(x);
            labels.add(i % 2 == 0 ? "bulk" : "chatty");
        }
        try (io.flowpulse.ml.sequence.SequenceCnnModel m = io.flowpulse.ml.sequence.SequenceCnnTrainer.train(
                new io.flowpulse.ml.classify.LabelledTable(names, rows, labels),
                io.flowpulse.ml.sequence.CnnArchitecture.parse("n=8 blocks=4k3max convs=1 global=max dense=0"),
                new io.flowpulse.ml.sequence.SequenceCnnTrainer.Params(4, 16, 0.02f, 3))) {
            return signed(id, version, m.format(), m.encode(), KEY);
        }
    }
}
