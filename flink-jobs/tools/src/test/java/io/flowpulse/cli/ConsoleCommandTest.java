package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flowpulse.console.ConsoleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./flowpulse console}: its options, and user errors as one line and exit code 2. */
class ConsoleCommandTest {

    static CliArgs parse(String... args) {
        return CliArgs.parse(args, Set.of("bootstrap-servers", "port", "host", "token-file", "client-properties",
                "points-per-key", "max-keys", "budget", "budget-window", "stale-after"), Set.of("help"));
    }

    @Test
    void optionsBecomeSettings(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        ConsoleSettings s = ConsoleCommand.settings(parse("--bootstrap-servers", "k:9092", "--port", "0", "--token-file",
                token.toString(), "--points-per-key", "50", "--max-keys", "7", "--budget", "3", "--budget-window", "1m"));
        assertEquals("k:9092", s.bootstrapServers());
        assertEquals("s3cret", s.token(), "the token file's line, trimmed");
        assertEquals(50, s.pointsPerKey());
        assertEquals(7, s.maxKeys());
        assertEquals(3, s.budget());
        assertEquals(Duration.ofMinutes(1), s.budgetWindow());
        assertEquals("127.0.0.1", s.host(), "loopback unless --host says otherwise");
        assertNull(ConsoleCommand.settings(parse("--token-file", writeBlank(dir))).token(), "a blank token is no token: read-only");
    }

    static String writeBlank(Path dir) throws Exception {
        Path p = dir.resolve("blank");
        Files.writeString(p, "  \n");
        return p.toString();
    }

    @Test
    void userErrorsEndWithExitCode2() throws Exception {
        assertEquals(0, FlowpulseCli.run(new String[] {"console", "--help"}));
        assertEquals(2, FlowpulseCli.run(new String[] {"console", "--port", "abc"}));
        assertEquals(2, FlowpulseCli.run(new String[] {"console", "--no-such-option"}));
        assertEquals(2, FlowpulseCli.run(new String[] {"console", "--token-file", "/no/such/token"}));
        assertEquals(2, FlowpulseCli.run(new String[] {"console", "--max-keys", "0"}));
    }
}
