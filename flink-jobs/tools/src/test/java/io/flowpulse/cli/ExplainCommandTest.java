package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explain} and the gate of {@code train} on the shared data: a CIC-IDS2017 model that keeps
 * its identifier columns is flagged and refused, the same training without them passes; on ALF DoH
 * D0 the report names the features that decide. Skipped when the shared data is absent.
 */
class ExplainCommandTest {
    static final Path SHARED = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"));
    static final Path CIC = SHARED.resolve("flows/cicids2017_improved/sampled_CICIDS2017_improved_rnd_2500");
    static final Path D0 = SHARED.resolve("flows/cesnet_alf_doh/conf/doh_D0.csv");

    /** Every {@code every}-th row of each class file, one CSV (keeps the test to seconds). */
    static Path sample(Path dir, Path out, int every) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (lines.isEmpty()) {
                    lines.add(all.get(0));
                }
                for (int i = 1; i < all.size(); i += every) {
                    lines.add(all.get(i));
                }
            }
        }
        Path file = out.resolve("cic-sample.csv");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs a command line, echoes what it printed; [exit code, stdout]. */
    static Object[] run(String command, String... args) {
        CliRun r = CliRun.run(CliRun.with(command, args));
        System.out.print(r.out);
        System.err.print(r.err);
        return new Object[] {r.exitCode, r.out + r.err};
    }

    @Test
    void cicIdentifierColumnsAreFlaggedAndRefusedAndTheModelWithoutThemPasses(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(CIC), "shared data not present");
        Path data = sample(CIC, dir, 4);
        Path key = dir.resolve("key");
        Files.writeString(key, "explain-command-test-key-0123456789");
        String[] common = {"--dataset", data.toString(), "--label-column", "Label", "--trees", "10", "--depth", "12",
            "--signing-key-file", key.toString(), "--model-id", "cic"};

        // identifiers kept and the gate skipped: a model to explain
        Path ids = dir.resolve("ids.avro");
        Object[] trained = run("train", concat(common, "--keep-identifiers", "--skip-gate", "--output", ids.toString()));
        assertEquals(0, trained[0]);
        Object[] explained = run("explain", "--model", ids.toString(), "--dataset", data.toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(0, explained[0]);
        String report = (String) explained[1];
        assertTrue(report.contains("FLAG Dst Port") || report.contains("FLAG Src Port") || report.contains("FLAG id"), report);
        assertTrue(report.contains("does not generalise"), report);
        assertTrue(report.contains("would REFUSE"), report);
        for (String f : List.of("report.txt", "tree.txt", "tree-full.txt", "tree.svg", "explanation.json")) {
            assertTrue(Files.size(dir.resolve("out").resolve(f)) > 0, f);
        }

        // the gate refuses the same training: nothing written
        Path refusedFile = dir.resolve("refused.avro");
        Object[] refused = run("train", concat(common, "--keep-identifiers", "--output", refusedFile.toString()));
        assertEquals(4, refused[0]);
        assertTrue(((String) refused[1]).contains("rest on flagged features"), (String) refused[1]);
        assertFalse(Files.exists(refusedFile));

        // identifier columns out (the default): passes, the explanation goes into the card and the metrics
        Path clean = dir.resolve("clean.avro");
        Object[] passed = run("train", concat(common, "--output", clean.toString()));
        assertEquals(0, passed[0], (String) passed[1]);
        assertTrue(((String) passed[1]).contains("identifier columns excluded"), (String) passed[1]);
        String card = Files.readString(Path.of(clean + ".card.json"));
        assertTrue(card.contains("\"gate\": {\"passed\": true") && card.contains("\"explanation\": {"), card);
        ModelUpdate u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(clean));
        assertTrue(u.getMetrics().get("explain_fidelity_supported") >= 0.8, u.getMetrics().toString());
        assertFalse(u.getMetrics().keySet().stream().anyMatch(k -> k.startsWith("explain_flag:Dst Port")));
    }

    @Test
    void dohReportListsTheFeaturesThatCarryTheDecision(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(D0), "shared data not present");
        Path key = dir.resolve("key");
        Files.writeString(key, "explain-command-test-key-0123456789");
        Path model = dir.resolve("doh.avro");
        assertEquals(0, run("train", "--dataset", D0.toString(), "--label-column", "class", "--trees", "20",
                "--depth", "8", "--signing-key-file", key.toString(), "--output", model.toString())[0]);
        Object[] explained = run("explain", "--model", model.toString(), "--dataset", D0.toString(), "--output",
                dir.resolve("out").toString());
        assertEquals(0, explained[0]);
        String report = (String) explained[1];
        assertTrue(report.contains("features that carry the decision (pruned tree, by rows split): [") && report.contains("pkt_size"),
                report);
        assertTrue(report.contains("shortcut flags: none") && report.contains("would pass"), report);
        assertTrue(Files.readString(dir.resolve("out/tree.svg")).startsWith("<svg"));
        // a usage error is one line and exit code 2
        assertEquals(2, CliRun.run("explain", "--model", model.toString()).exitCode);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
