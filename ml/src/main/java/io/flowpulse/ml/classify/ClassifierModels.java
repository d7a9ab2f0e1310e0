package io.flowpulse.ml.classify;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Decodes model payloads by format name. Model classes register their decoder here. */
public final class ClassifierModels {
    /** Decoder of one payload format. */
    public interface Decoder {
        ClassifierModel decode(byte[] payload) throws Exception;
    }

    private static final Map<String, Decoder> DECODERS = new ConcurrentHashMap<>();

    static {
        register(PriorModel.FORMAT, PriorModel::decode);
        register(CompactForest.FORMAT, CompactForest::decode);
        register(LinearModel.FORMAT, LinearModel::decode);
        register(BoostedTrees.FORMAT, BoostedTrees::decode);
        register(io.flowpulse.ml.sequence.SequenceCnnModel.FORMAT, io.flowpulse.ml.sequence.SequenceCnnModel::decode);
    }

    private ClassifierModels() {}

    public static void register(String format, Decoder decoder) {
        DECODERS.put(format, decoder);
    }

    public static ClassifierModel decode(String format, byte[] payload) throws ModelDecodeException {
        Decoder d = DECODERS.get(format);
        if (d == null) {
            throw new ModelDecodeException("unknown model format '" + format + "'");
        }
        try {
            ClassifierModel m = d.decode(payload);
            if (m == null || m.labels().isEmpty() || m.featureSchema().size() == 0) {
                throw new ModelDecodeException("model of format " + format + " has no labels or features");
            }
            return m;
        } catch (ModelDecodeException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            throw new ModelDecodeException("payload does not decode as " + format + ": " + e, e);
        }
    }
}
