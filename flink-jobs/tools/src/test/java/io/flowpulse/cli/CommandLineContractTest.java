package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line's contract, for every command: {@code --help} on stdout with exit code 0, an
 * unknown option as one line on stderr with exit code 2, and everyday mistakes (a garbage or
 * missing capture, an empty or header-only CSV, a directory as a file, an unknown column, a value
 * of the wrong form, a missing savepoint, a short signing key, a long run without arguments) as
 * one line naming the problem, no stack trace, exit code 1 or 2 — before any long work starts.
 */
class CommandLineContractTest {
    @TempDir
    static Path dir;

    static Path garbagePcap;
    static Path emptyCsv;
    static Path headerOnlyCsv;
    static Path csv;
    static Path shortKey;
    static Path key;
    static Path badTimeCsv;
    static Path noSeriesDir;

    @BeforeAll
    static void files() throws Exception {
        garbagePcap = Files.writeString(dir.resolve("garbage.pcap"), "this is not a capture");
        emptyCsv = Files.writeString(dir.resolve("empty.csv"), "");
        headerOnlyCsv = Files.writeString(dir.resolve("header.csv"), "a,b,class\n");
        csv = Files.writeString(dir.resolve("flows.csv"), "a,b,class\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n");
        shortKey = Files.writeString(dir.resolve("short.key"), "too-short");
        key = Files.writeString(dir.resolve("model.key"), "a-test-signing-key-0123456789");
        badTimeCsv = Files.writeString(dir.resolve("bad-time.csv"), "timestamp,value\n1397088240,1\n10/04/2014 00:04,2\n");
        noSeriesDir = Files.createDirectories(dir.resolve("no-series"));
    }

    /** Every command, and the savepoint sub-commands. */
    static List<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        for (String c : FlowpulseCli.commandNames()) {
            all.add(List.of(c));
        }
        all.add(List.of("savepoint", "inspect"));
        all.add(List.of("savepoint", "set-model"));
        return all;
    }

    @Test
    void everyCommandPrintsItsHelpOnStdout() {
        assertTrue(commands().size() >= 22, commands().toString());
        for (List<String> c : commands()) {
            CliRun r = CliRun.run(args(c, "--help"));
            assertEquals(0, r.exitCode, c + ": " + r);
            assertTrue(r.out.startsWith("Usage: flowpulse " + String.join(" ", c)), c + ": " + r);
            assertEquals("", r.err, c + ": " + r);
            assertFalse(r.out.matches("(?s).*&(quot|lt|gt|amp);.*"), c + ": HTML entities in " + r.out);
        }
        CliRun top = CliRun.run("--help");
        assertEquals(0, top.exitCode);
        assertTrue(top.out.contains("Exit codes:") && top.err.isEmpty(), top.toString());
    }

    @Test
    void everyCommandPrintsTheVersionOnStdout() {
        for (List<String> c : commands()) {
            CliRun r = CliRun.run(args(c, "--version"));
            assertEquals(0, r.exitCode, c + ": " + r);
            assertTrue(r.out.startsWith("flowpulse "), c + ": " + r);
        }
    }

    @Test
    void everyCommandNamesAnUnknownOptionInOneLine() {
        for (List<String> c : commands()) {
            CliRun r = CliRun.run(args(c, "--no-such-option"));
            assertEquals(2, r.exitCode, c + ": " + r);
            assertOneLine(r, "--no-such-option");
        }
    }

    @Test
    void withoutACommandTheUsageGoesToStderrWithExitCode2() {
        CliRun r = CliRun.run();
        assertEquals(2, r.exitCode);
        assertTrue(r.err.startsWith("Usage: flowpulse"), r.toString());
        CliRun unknown = CliRun.run("no-such-command");
        assertEquals(2, unknown.exitCode);
        assertOneLine(unknown, "no-such-command");
    }

    static Stream<Arguments> badInputs() {
        String d = dir.toString();
        return Stream.of(
                bad("a garbage capture", "not a readable pcap", "flows", "--pcap", garbagePcap, "--output", d + "/o.csv"),
                bad("a missing capture", "no such file", "flows", "--pcap", d + "/missing.pcap", "--output", d + "/o.csv"),
                bad("a garbage capture", "not a readable pcap", "replay", "--pcap", garbagePcap, "--max"),
                bad("a missing capture", "no such file", "replay", "--pcap", d + "/missing.pcap"),
                bad("a garbage capture", "not a readable pcap", "bench-flows", "--pcap", garbagePcap),
                bad("a garbage capture", "not a readable pcap", "demo", "--pcap", garbagePcap),
                bad("an empty CSV", "is empty", "train", "--dataset", emptyCsv, "--label-column", "class", "--signing-key-file", key),
                bad("a header-only CSV", "no data rows", "train", "--dataset", headerOnlyCsv, "--label-column", "class",
                        "--signing-key-file", key),
                // a directory is read as its CSVs (issue 16); this one holds an empty CSV among them
                bad("a directory with an empty CSV as --dataset", "empty file", "train", "--dataset", d, "--label-column", "class",
                        "--signing-key-file", key),
                bad("an unknown --label-column", "no label column 'nope'", "train", "--dataset", csv, "--label-column", "nope",
                        "--signing-key-file", key),
                bad("--seed abc", "'abc'", "train", "--dataset", csv, "--label-column", "class", "--seed", "abc",
                        "--signing-key-file", key),
                bad("a signing key under 16 bytes", "needs at least 16", "train", "--dataset", csv, "--label-column", "class",
                        "--signing-key-file", shortKey),
                bad("no signing key file", "no such file", "train", "--dataset", csv, "--label-column", "class",
                        "--signing-key-file", d + "/missing.key"),
                bad("an empty CSV", "is empty", "evaluate-classifier", "--model", csv, "--dataset", emptyCsv, "--label-column", "class"),
                bad("a CSV as --model", "not a model update file", "evaluate-classifier", "--model", csv, "--dataset", csv,
                        "--label-column", "class"),
                bad("a header-only CSV", "no column 'split'", "sequence-features", "--input", headerOnlyCsv, "--output", d + "/s.csv"),
                bad("an empty CSV", "is empty", "sequence-features", "--input", emptyCsv, "--output", d + "/s.csv"),
                bad("a header-only CSV", "no data rows", "evaluate-detector", "--input", headerOnlyCsv),
                bad("an empty CSV", "is empty", "evaluate-detector", "--input", emptyCsv),
                bad("a directory without series as --input", "no *.csv series", "evaluate-detector", "--input", noSeriesDir),
                bad("a missing --input", "no such file", "evaluate-detector", "--input", d + "/missing.csv"),
                bad("--detections sometimes", "'sometimes'", "evaluate-detector", "--input", csv, "--detections", "sometimes"),
                bad("an unknown detector", "unknown detector", "evaluate-detector", "--input", csv, "--detector", "arima"),
                bad("a CSV without the score columns", "needs the columns", "plot", "--input", headerOnlyCsv, "--output", d + "/p.png"),
                bad("--duration banana", "'banana' is not a duration", "demo", "--duration", "banana"),
                bad("--duration banana", "'banana' is not a duration", "simulate", "--duration", "banana"),
                bad("a missing savepoint", "no savepoint at", "savepoint", "inspect", d + "/no-such-savepoint"),
                bad("a missing savepoint", "no savepoint at", "savepoint", "set-model", d + "/no-such-savepoint", "--model", csv,
                        "--out", d + "/new", "--signing-key-file", key),
                bad("a signing key under 16 bytes", "needs at least 16", "savepoint", "set-model", d, "--model", csv,
                        "--out", d + "/new", "--signing-key-file", shortKey),
                bad("no arguments for a long run", "--keys", "bench-port-keys"),
                bad("no arguments for a long run", "--run", "failure-test"),
                bad("a missing --initial", "no such file", "trainer", "--initial", d + "/missing.csv", "--label-column", "class",
                        "--bootstrap-servers", "127.0.0.1:1", "--signing-key-file", key),
                bad("a missing rules file", "no such file", "annotate", "--rules", d + "/missing.txt", "--bootstrap-servers",
                        "127.0.0.1:1"),
                bad("an unknown job option", "--kafka.no-such", "job", "--kafka.no-such", "x"),
                bad("--bucket-minutes abc", "'abc'", "evaluate-detector", "--input", csv, "--bucket-minutes", "abc"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badInputs")
    void aBadInputIsOneLineNamingTheProblem(String what, String command, String expected, String[] args) {
        CliRun r = CliRun.run(args);
        assertTrue(r.exitCode == 1 || r.exitCode == 2, what + ": " + r);
        assertOneLine(r, expected);
    }

    @Test
    void aBadRowOfASeriesIsOneLineNamingFileAndRowWithExitCode1() {
        CliRun r = CliRun.run("evaluate-detector", "--input", badTimeCsv.toString(), "--detector", "robust-band");
        assertEquals(1, r.exitCode, r.toString());
        assertOneLine(r, "bad-time.csv:3: timestamp '10/04/2014 00:04'");
    }

    @Test
    void verboseAddsTheStackTrace() {
        CliRun r = CliRun.run("flows", "--pcap", garbagePcap.toString(), "--output", dir.resolve("o.csv").toString(), "--verbose");
        assertEquals(1, r.exitCode, r.toString());
        assertTrue(r.err.contains("\tat "), r.toString());
    }

    @Test
    void keygenWritesAKeyTheCommandsAccept() throws Exception {
        Path k = dir.resolve("keygen.key");
        CliRun r = CliRun.run("keygen", "--output", k.toString());
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(k, StandardCharsets.UTF_8).trim();
        assertTrue(text.length() >= SigningKeyOptions.MIN_BYTES, text);
        CliRun again = CliRun.run("keygen", "--output", k.toString());
        assertEquals(2, again.exitCode);
        assertOneLine(again, "exists");
    }

    private static void assertOneLine(CliRun r, String expected) {
        String err = r.err.strip();
        assertFalse(err.isEmpty(), r.toString());
        assertEquals(1, err.lines().count(), "one line on stderr: " + r);
        assertTrue(err.contains(expected), "'" + expected + "' in: " + r);
        assertFalse(err.contains("Exception:") || err.contains("\tat "), "no stack trace: " + r);
    }

    private static Arguments bad(String what, String expected, Object... args) {
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].toString();
        }
        return Arguments.of(what, a[0], expected, a);
    }

    private static String[] args(List<String> command, String... more) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
