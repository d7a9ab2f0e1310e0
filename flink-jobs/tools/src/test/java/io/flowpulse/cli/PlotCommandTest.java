package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotCommandTest {
    @Test
    void rendersAScoredSeriesAsAPng(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("timestamp,value,expected,lower,upper,score,anomalous,label\n");
        Instant t = Instant.parse("2026-11-02T00:00:00Z");
        for (int i = 0; i < 200; i++) {
            double expected = 100 + 50 * Math.sin(i / 48.0 * 2 * Math.PI);
            boolean spike = i >= 120 && i < 126;
            double value = spike ? expected * 3 : expected + (i % 7) - 3;
            csv.append(t.plusSeconds(1800L * i)).append(',').append(value).append(',').append(expected).append(',')
                    .append(i < 48 ? "NaN" : String.valueOf(expected - 20)).append(',')
                    .append(i < 48 ? "NaN" : String.valueOf(expected + 20)).append(",0,").append(spike ? 1 : 0).append(",0\n");
        }
        Path in = dir.resolve("scores.csv");
        Files.writeString(in, csv);
        Path png = dir.resolve("chart.png");
        assertEquals(0, FlowpulseCli.run(new String[] {"plot", "--input", in.toString(), "--output", png.toString(),
                "--width", "800", "--height", "300"}));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(300, img.getHeight());
    }
}
