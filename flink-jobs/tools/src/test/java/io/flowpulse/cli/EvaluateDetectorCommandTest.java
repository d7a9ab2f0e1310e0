package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluateDetectorCommandTest {

    @Test
    void scoresALabelledSeriesAndPrintsMetrics(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("series.csv");
        StringBuilder csv = new StringBuilder("timestamp,value,label\n");
        long start = 1_767_571_200L; // seconds
        int spike = 288 * 3 + 100;
        for (int i = 0; i < 288 * 4; i++) {
            double v = 1000 + 300 * Math.sin(2 * Math.PI * i / 288) + (i % 7) + (i == spike ? 900 : 0);
            csv.append(start + i * 300L).append(',').append(v).append(',').append(i == spike ? 1 : 0).append('\n');
        }
        Files.writeString(input, csv);
        Path output = dir.resolve("scores.csv");

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            code = FlowpulseCli.run(new String[] {"evaluate-detector", "--detector", "holt-winters",
                "--input", input.toString(), "--output", output.toString()});
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code);
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("point-wise:") && text.contains("events:         1 of 1 detected"), text);
        List<String> lines = Files.readAllLines(output);
        assertEquals("timestamp,value,expected,lower,upper,score,anomalous,label", lines.get(0));
        assertEquals(288 * 4 + 1, lines.size());
        String[] spikeRow = lines.get(spike + 1).split(",");
        assertEquals("1", spikeRow[6]);
        assertEquals("1", spikeRow[7]);
    }

    @Test
    void scoresADirectoryOfSeriesWithNabTotalsAndEpisodes(@TempDir Path dir) throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus/sub"));
        for (int s = 0; s < 2; s++) {
            // NAB's layout: yyyy-MM-dd HH:mm:ss (UTC), one missing value, a label column
            StringBuilder csv = new StringBuilder("timestamp,value,label\n");
            int spike = 288 * 3 + 50 + 40 * s;
            for (int i = 0; i < 288 * 4; i++) {
                String t = java.time.LocalDateTime.of(2014, 4, 10, 0, 0).plusMinutes(5L * i).toString().replace('T', ' ');
                double v = 1000 + 300 * Math.sin(2 * Math.PI * i / 288) + (i % 7) + (i == spike ? 2000 : 0);
                csv.append(t.length() == 16 ? t + ":00" : t).append(',').append(i == 500 ? "" : String.valueOf(v))
                        .append(',').append(i == spike ? 1 : 0).append('\n');
            }
            Files.writeString((s == 0 ? corpus.getParent() : corpus).resolve("series-" + s + ".csv"), csv);
        }
        Path out = dir.resolve("scores");
        CliRun r = CliRun.run("evaluate-detector", "--detector", "robust-band", "--input", dir.resolve("corpus").toString(),
                "--detections", "episodes", "--output", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("corpus") && r.out.contains("(2 series)") && r.out.contains("series-0.csv")
                && r.out.contains("sub/series-1.csv") && r.out.contains("NAB-style score"), r.out);
        List<String> scores = Files.readAllLines(out.resolve("sub_series-1.csv"));
        assertEquals("timestamp,value,expected,lower,upper,score,anomalous,label", scores.get(0));
        assertTrue(scores.get(1).startsWith("2014-04-10T00:00:00Z,"), scores.get(1));
        assertTrue(scores.get(501).startsWith("2014-04-11T17:40:00Z,,,,,,0,"), scores.get(501));
    }

    @Test
    void unknownDetectorIsAUsageError(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("s.csv");
        Files.writeString(input, "timestamp,value\n1,2\n2,3\n");
        assertEquals(2, FlowpulseCli.run(new String[] {"evaluate-detector", "--detector", "arima",
            "--input", input.toString()}));
    }
}
