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
    void unknownDetectorIsAUsageError(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("s.csv");
        Files.writeString(input, "timestamp,value\n1,2\n2,3\n");
        assertEquals(2, FlowpulseCli.run(new String[] {"evaluate-detector", "--detector", "arima",
            "--input", input.toString()}));
    }
}
