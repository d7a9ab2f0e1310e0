package io.flowpulse.ml.classify;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of model updates. The signed message binds model id, kind, version,
 * format and payload, so a producer with write access to the models topic but without the key can
 * neither forge a model nor replay one under another id or version.
 */
public final class ModelSigner {
    private final SecretKeySpec key;

    public ModelSigner(byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("signing key must be at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public byte[] sign(String modelId, String kind, long version, String format, byte[] payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message(modelId, kind, version, format, payload));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time check of a signature. */
    public boolean verify(String modelId, String kind, long version, String format, byte[] payload, byte[] signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(modelId, kind, version, format, payload), signature);
    }

    private static byte[] message(String modelId, String kind, long version, String format, byte[] payload) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(modelId);
            out.writeUTF(kind);
            out.writeLong(version);
            out.writeUTF(format);
            out.writeInt(payload.length);
            out.write(payload);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
