package io.flowpulse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Mixin: the HMAC key that signs model updates ({@code ./flowpulse keygen} makes one). Read and
 * checked by {@link #key()}: commands call it before any long work.
 */
public final class SigningKeyOptions {
    /** The shortest key the signer accepts (HMAC-SHA256; ModelSigner checks the same). */
    public static final int MIN_BYTES = 16;

    @Option(names = "--signing-key-file", paramLabel = "FILE",
            description = "HMAC key that signs model updates (else the environment variable FLOWPULSE_MODEL_KEY); "
                    + "make one with ./flowpulse keygen")
    Path file;

    public boolean given() {
        return file != null || (System.getenv("FLOWPULSE_MODEL_KEY") != null && !System.getenv("FLOWPULSE_MODEL_KEY").isBlank());
    }

    public Path file() {
        return file;
    }

    /** The key bytes (file content or FLOWPULSE_MODEL_KEY, trimmed), checked; a {@link UserError} otherwise. */
    public byte[] key() {
        byte[] key;
        String from;
        if (file != null) {
            from = file.toString();
            if (Files.isDirectory(file)) {
                throw UserError.usage("--signing-key-file " + file + " is a directory");
            }
            if (!Files.exists(file)) {
                throw UserError.usage("no such file: " + file + " (make a key with ./flowpulse keygen --output " + file + ")");
            }
            try {
                key = Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw UserError.input("cannot read --signing-key-file " + file + ": " + e.getMessage(), e);
            }
        } else {
            String env = System.getenv("FLOWPULSE_MODEL_KEY");
            if (env == null || env.isBlank()) {
                throw UserError.usage("no signing key: give --signing-key-file FILE (make one with ./flowpulse keygen) "
                        + "or set FLOWPULSE_MODEL_KEY");
            }
            from = "FLOWPULSE_MODEL_KEY";
            key = env.trim().getBytes(StandardCharsets.UTF_8);
        }
        if (key.length < MIN_BYTES) {
            throw UserError.input("signing key in " + from + " is " + key.length + " bytes; it needs at least " + MIN_BYTES
                    + " (make one with ./flowpulse keygen)");
        }
        return key;
    }
}
