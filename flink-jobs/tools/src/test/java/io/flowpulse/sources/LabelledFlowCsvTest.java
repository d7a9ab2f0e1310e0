package io.flowpulse.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.records.FlowRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CICFlowMeter CSVs (CIC-IDS2017) become flow records that carry the exporter's features. */
class LabelledFlowCsvTest {
    static final Path CIC = Path.of(System.getProperty("flowpulse.shared.data", "../../shared/data"),
            "flows/cicids2017_improved/sampled_CICIDS2017_improved_rnd_2500");

    @Test
    void cicFlowMeterRowsCarryTheirFeaturesByNameAndTheirLabel() throws Exception {
        Path file = CIC.resolve("Heartbleed_11.csv");
        assumeTrue(Files.exists(file), "shared data not present");
        List<FlowRecord> flows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        assertEquals(11, LabelledFlowCsv.read(file, "Label", (r, l) -> {
            flows.add(r);
            labels.add(l);
        }));
        FlowRecord r = flows.get(0);
        assertTrue(labels.stream().allMatch("Heartbleed"::equals), labels.toString());
        assertTrue(r.getFeatures().containsKey("Flow Duration") && r.getFeatures().containsKey("Dst Port"), r.getFeatures().keySet().toString());
        assertFalse(r.getFeatures().containsKey("Src Port") || r.getFeatures().containsKey("id") || r.getFeatures().containsKey("Label"),
                "identifiers and the label are not features");
        assertEquals(r.getFeatures().get("Flow Duration").longValue(), r.getEndMicros() - r.getStartMicros(), "duration in µs");
        assertEquals(r.getFeatures().get("Total Fwd Packet").longValue(), r.getFwdPackets());
        assertTrue(r.getStartMicros() > 1_483_228_800_000_000L, "2017 or later");
        long all = LabelledFlowCsv.read(CIC, "Label", (x, l) -> { });
        assertEquals(25_127, all, "a directory is read file by file");
    }
}
