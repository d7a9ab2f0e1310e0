package io.flowpulse.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse keygen --output model.key}: a new model signing key (32 random bytes, base64url
 * on one line, file readable by its owner only). The job ({@code --models.signing-key-file}) and the
 * commands that sign or check models ({@code --signing-key-file}) read it.
 */
@Command(name = "keygen", description = "make a model signing key file (HMAC key of model updates)")
public final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--output", paramLabel = "FILE", defaultValue = "model.key", description = "key file to write (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--force", description = "overwrite an existing file")
    boolean force;

    @Override
    public Integer call() throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        if (Files.exists(output) && !force) {
            throw UserError.usage(output + " exists (--force overwrites it)");
        }
        try {
            Files.writeString(output, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw UserError.usage(output + " exists (--force overwrites it)");
        }
        try {
            Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: leave the default permissions
        }
        System.out.println("wrote " + output + " (" + key.length() + "-byte HMAC key); use it as --signing-key-file " + output
                + " and for the job as --models.signing-key-file " + output);
        return 0;
    }
}
