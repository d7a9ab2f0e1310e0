package io.flowpulse.ml.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledSeriesTest {
    private static final long T0 = 1_397_088_240_000L; // 2014-04-10T00:04:00Z

    @Test
    void readsEveryTimestampLayout() {
        assertEquals(T0, LabeledSeries.parseTime("2014-04-10 00:04:00"));
        assertEquals(T0, LabeledSeries.parseTime("2014-04-10T00:04:00"));
        assertEquals(T0, LabeledSeries.parseTime("2014-04-10T00:04:00Z"));
        assertEquals(T0, LabeledSeries.parseTime("2014-04-10T02:04:00+02:00"));
        assertEquals(T0 + 500, LabeledSeries.parseTime("2014-04-10 00:04:00.5"));
        assertEquals(T0, LabeledSeries.parseTime("1397088240"));
        assertEquals(T0, LabeledSeries.parseTime("1397088240000"));
        assertEquals(T0 + 250, LabeledSeries.parseTime("1397088240.25"));
    }

    @Test
    void readsTheNabLayoutAndMissingValues(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("nab.csv");
        Files.writeString(f, "timestamp,value\n2014-04-10 00:04:00,1.5\n2014-04-10 00:09:00,\n2014-04-10 00:14:00,2\n");
        LabeledSeries s = LabeledSeries.read(f, null);
        assertEquals(3, s.size());
        assertEquals(T0, s.times()[0]);
        assertTrue(Double.isNaN(s.values()[1]));
        assertEquals(1, s.missing());
        assertEquals(null, s.labels());
    }

    @Test
    void badFilesNameFileAndRowOnOneLine(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(empty, null)),
                "empty.csv: empty file");
        Path header = dir.resolve("header.csv");
        Files.writeString(header, "timestamp,value\n");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(header, null)),
                "header.csv: no data rows");
        Path time = dir.resolve("time.csv");
        Files.writeString(time, "timestamp,value\n1397088240,1\n10/04/2014 00:04,2\n");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(time, null)),
                "time.csv:3: timestamp '10/04/2014 00:04'");
        Path slashes = dir.resolve("slashes.csv");
        Files.writeString(slashes, "timestamp,value\n10/04/2014,2\n");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(slashes, null)),
                "slashes.csv:2: timestamp '10/04/2014'");
        Path value = dir.resolve("value.csv");
        Files.writeString(value, "timestamp,value\n1397088240,abc\n");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(value, null)),
                "value.csv:2: not a number");
        Path shortRow = dir.resolve("short.csv");
        Files.writeString(shortRow, "timestamp,value\n1397088240\n");
        assertOneLine(assertThrows(LabeledSeries.SeriesFormatException.class, () -> LabeledSeries.read(shortRow, null)),
                "short.csv:2: expected 2 columns");
    }

    private static void assertOneLine(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
