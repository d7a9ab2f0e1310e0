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
}
