package io.flowpulse.functions;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.ModelDecodeException;
import io.flowpulse.ml.classify.ModelSigner;
import io.flowpulse.records.ModelUpdate;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Decides whether a model update may replace the serving one: signature (HMAC-SHA256 over id,
 * kind, version, format and payload), version strictly above the serving one, payload decodes,
 * feature schema only names features the operator can supply. Deterministic, so every parallel
 * instance reaches the same verdict on the same broadcast element.
 */
public final class ModelUpdateValidator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] signingKey;
    private final Set<String> availableFeatures;
    private transient ModelSigner signer;

    /**
     * @param signingKey HMAC key; null means no key is configured and every update is rejected
     * @param availableFeatures feature names the flows carry; empty = do not check names
     */
    public ModelUpdateValidator(byte[] signingKey, Set<String> availableFeatures) {
        this.signingKey = signingKey == null ? null : signingKey.clone();
        this.availableFeatures = Set.copyOf(availableFeatures);
    }

    /** The verdict: a decoded model, or the rejection reason. */
    public static final class Verdict {
        public final ClassifierModel model;
        public final String rejection;

        private Verdict(ClassifierModel model, String rejection) {
            this.model = model;
            this.rejection = rejection;
        }
    }

    public Verdict check(ModelUpdate update, ModelUpdate serving) {
        if (signingKey == null) {
            return new Verdict(null, "no signing key configured (models.signing-key): refusing unverifiable models");
        }
        if (serving != null && update.getVersion() <= serving.getVersion()) {
            return new Verdict(null, "version " + update.getVersion() + " is not newer than serving version " + serving.getVersion());
        }
        byte[] payload = io.flowpulse.records.codec.ByteBuffers.copy(update.getPayload());
        byte[] signature = update.getSignature() == null ? null : io.flowpulse.records.codec.ByteBuffers.copy(update.getSignature());
        if (signature == null) {
            return new Verdict(null, "unsigned update");
        }
        if (!signer().verify(update.getModelId(), update.getKind().name(), update.getVersion(), update.getFormat(), payload, signature)) {
            return new Verdict(null, "bad signature");
        }
        ClassifierModel model;
        try {
            model = ClassifierModels.decode(update.getFormat(), payload);
        } catch (ModelDecodeException e) {
            return new Verdict(null, "payload does not decode: " + e.getMessage());
        }
        if (!availableFeatures.isEmpty()) {
            for (String name : model.featureSchema().names()) {
                if (!availableFeatures.contains(name)) {
                    return new Verdict(null, "wrong feature schema: flows have no feature '" + name + "' (" + model.featureSchema() + ")");
                }
            }
        }
        return new Verdict(model, null);
    }

    private ModelSigner signer() {
        if (signer == null) {
            signer = new ModelSigner(signingKey);
        }
        return signer;
    }

}
