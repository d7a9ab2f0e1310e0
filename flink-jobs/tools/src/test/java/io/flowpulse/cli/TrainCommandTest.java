package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    static final Path D0 = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"),
            "flows/cesnet_alf_doh/conf/doh_D0.csv");

    @Test
    void trainsSignsWritesACardAndOnlyReplacesABetterChampion(@TempDir Path dir) throws Exception {
        assumeTrue(Files.exists(D0), "shared data not present");
        Path key = dir.resolve("key");
        Files.writeString(key, "train-command-test-key-0123456789");
        Path v1 = dir.resolve("v1.avro");
        assertEquals(0, FlowpulseCli.run(new String[] {"train", "--dataset", D0.toString(), "--label-column", "class",
                "--trees", "20", "--depth", "8", "--model-id", "doh", "--model-version", "1", "--output", v1.toString(),
                "--signing-key-file", key.toString()}));
        ModelUpdate u = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(v1));
        assertTrue(u.getMetrics().get("macro_f1") > 0.85, "macro F1 " + u.getMetrics());
        String card = Files.readString(Path.of(v1 + ".card.json"));
        assertTrue(card.contains("\"featureSchema\"") && card.contains("\"avgdelay\"") && card.contains("\"macro_f1\""), card);
        // the job's validator accepts what train signed
        ModelUpdateValidator validator = new ModelUpdateValidator(Files.readString(key).trim().getBytes(), Set.of());
        assertTrue(validator.check(u, null).model != null);

        // a 1-tree, depth-1 challenger is worse than the champion: refused unless --force
        Path v2 = dir.resolve("v2.avro");
        String[] weak = {"--dataset", D0.toString(), "--label-column", "class", "--trees", "1", "--depth", "1",
                "--model-id", "doh", "--model-version", "2", "--output", v2.toString(), "--signing-key-file", key.toString(),
                "--champion", v1.toString()};
        assertEquals(3, FlowpulseCli.run(CliRun.with("train", weak)));
        assertTrue(!Files.exists(v2));
        String[] forced = java.util.Arrays.copyOf(weak, weak.length + 1);
        forced[weak.length] = "--force";
        assertEquals(0, FlowpulseCli.run(CliRun.with("train", forced)));
        assertTrue(Files.exists(v2));

        assertEquals(0, FlowpulseCli.run(new String[] {"evaluate-classifier", "--model", v1.toString(), "--dataset",
                D0.toString(), "--label-column", "class"}));
    }
}
