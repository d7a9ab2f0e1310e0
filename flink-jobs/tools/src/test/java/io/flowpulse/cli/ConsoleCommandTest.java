package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.flowpulse.console.ConsoleSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./flowpulse console}: its options, and user errors as one line and exit code 2. */
class ConsoleCommandTest {

    static ConsoleCommand parse(String... args) {
        CommandLine cl = FlowpulseCli.commandLine(false);
        String[] line = new String[args.length + 1];
        line[0] = "console";
        System.arraycopy(args, 0, line, 1, args.length);
        cl.parseArgs(line);
        return cl.getSubcommands().get("console").getCommand();
    }

    @Test
    void optionsBecomeSettings(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "s3cret\n");
        ConsoleSettings s = parse("--bootstrap-servers", "k:9092", "--port", "0", "--token-file", token.toString(),
                "--points-per-key", "50", "--max-keys", "7", "--budget", "3", "--budget-window", "1m").settings();
        assertEquals("k:9092", s.bootstrapServers());
        assertEquals("s3cret", s.token(), "the token file's line, trimmed");
        assertEquals(50, s.pointsPerKey());
        assertEquals(7, s.maxKeys());
        assertEquals(3, s.budget());
        assertEquals(Duration.ofMinutes(1), s.budgetWindow());
        assertEquals("127.0.0.1", s.host(), "loopback unless --host says otherwise");
        Path blank = dir.resolve("blank");
        Files.writeString(blank, "  \n");
        assertNull(parse("--token-file", blank.toString()).settings().token(), "a blank token is no token: read-only");
    }

    @Test
    void userErrorsEndWithExitCode2() {
        assertEquals(0, FlowpulseCli.run("console", "--help"));
        assertEquals(2, FlowpulseCli.run("console", "--port", "abc"));
        assertEquals(2, FlowpulseCli.run("console", "--no-such-option"));
        assertEquals(2, FlowpulseCli.run("console", "--token-file", "/no/such/token"));
        assertEquals(2, FlowpulseCli.run("console", "--max-keys", "0"));
    }
}
