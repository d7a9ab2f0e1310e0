package io.flowpulse.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetectionMetricsTest {
    @Test
    void pointAndEventLevelFigures() {
        long[] t = {0, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000};
        int[] labels = {0, 1, 1, 1, 0, 0, 1, 1};
        boolean[] flags = {true, false, true, false, false, false, false, false};
        DetectionMetrics m = DetectionMetrics.of(t, flags, labels);
        assertEquals(1, m.truePositives());
        assertEquals(1, m.falsePositives());
        assertEquals(4, m.falseNegatives());
        assertEquals(0.5, m.precision());
        assertEquals(0.2, m.recall());
        assertEquals(2, m.events());
        assertEquals(1, m.eventsDetected());
        assertEquals(60_000.0, m.meanDelayMillis());
        assertEquals(1.0, m.meanDelayPoints());
        assertEquals(0.75, m.adjustedPrecision()); // 3 adjusted TP, 1 FP
        assertEquals(0.6, m.adjustedRecall());
    }

    @Test
    void readsBothDataSetFormats(@TempDir Path dir) throws Exception {
        Path ms = dir.resolve("ms.csv");
        Files.writeString(ms, "TimeStamp,Value,Label\r\n\"2018-04-25T00:01:00Z\",2.5,1\r\n\"2018-04-25T00:00:00Z\",1.5,0\r\n");
        LabeledSeries a = LabeledSeries.read(ms, null);
        assertEquals(1_524_614_400_000L, a.times()[0]);
        assertEquals(1.5, a.values()[0]);
        assertEquals(1, a.labels()[1]);
        assertEquals(60_000, a.medianStepMillis());
        Path bagel = dir.resolve("bagel.csv");
        Files.writeString(bagel, "timestamp,value,label\n1477238400,0.13,0\n1477238700,0.14,1\n");
        LabeledSeries b = LabeledSeries.read(bagel, "label");
        assertEquals(1_477_238_400_000L, b.times()[0]);
        assertEquals(300_000, b.medianStepMillis());
        Path unlabelled = dir.resolve("plain.csv");
        Files.writeString(unlabelled, "timestamp,value\n1477238400000,1\n");
        assertEquals(null, LabeledSeries.read(unlabelled, null).labels());
    }
}
