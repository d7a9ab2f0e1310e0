package io.flowpulse.sinks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of one series (XChart): the accepted band (lower..upper) as a green area behind the
 * traffic line, the expected value dashed, warning points yellow and critical points red.
 */
public final class AnomalyChart {
    public static final int NONE = 0;
    public static final int WARNING = 1;
    public static final int CRITICAL = 2;

    private AnomalyChart() {}

    public static void write(Path png, String title, long[] millis, double[] value, double[] expected, double[] lower,
            double[] upper, int[] severity, int width, int height, String yLabel) throws IOException {
        write(png, title, millis, value, expected, lower, upper, severity, width, height, yLabel, List.of());
    }

    /**
     * As {@link #write(Path, String, long[], double[], double[], double[], double[], int[], int, int, String)},
     * with ground-truth intervals ({@code [startMillis, endMillis)}, e.g. the simulator's injected
     * anomalies) drawn as thick purple bars above the traffic.
     */
    public static void write(Path png, String title, long[] millis, double[] value, double[] expected, double[] lower,
            double[] upper, int[] severity, int width, int height, String yLabel, List<long[]> truth) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("time (UTC)").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setDatePattern("MM-dd HH:mm");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setMarkerSize(7);

        // band: one closed polygon per run of points that have a band
        int bandRuns = 0;
        int i = 0;
        while (i < millis.length) {
            while (i < millis.length && !(Double.isFinite(lower[i]) && Double.isFinite(upper[i]))) {
                i++;
            }
            int start = i;
            while (i < millis.length && Double.isFinite(lower[i]) && Double.isFinite(upper[i])) {
                i++;
            }
            if (i - start >= 2) {
                List<Date> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int j = start; j < i; j++) {
                    xs.add(new Date(millis[j]));
                    ys.add(upper[j]);
                }
                for (int j = i - 1; j >= start; j--) {
                    xs.add(new Date(millis[j]));
                    ys.add(Math.max(0, lower[j]));
                }
                XYSeries band = chart.addSeries(bandRuns == 0 ? "accepted band" : "band " + bandRuns, xs, ys);
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                band.setFillColor(new Color(120, 200, 120, 110));
                band.setLineColor(new Color(120, 200, 120, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(bandRuns == 0);
                bandRuns++;
            }
        }
        line(chart, "expected", millis, expected, new Color(40, 120, 40), true);
        line(chart, "traffic", millis, value, new Color(30, 70, 160), false);
        points(chart, "warning", millis, value, severity, WARNING, new Color(240, 200, 0));
        points(chart, "critical", millis, value, severity, CRITICAL, new Color(220, 30, 30));
        double top = 0;
        for (double v : value) {
            if (Double.isFinite(v)) {
                top = Math.max(top, v);
            }
        }
        int marked = 0;
        for (long[] interval : truth) {
            XYSeries s = chart.addSeries(marked == 0 ? "injected anomaly" : "injected " + marked,
                    List.of(new Date(interval[0]), new Date(interval[1])), List.of(top * 1.05, top * 1.05));
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(new Color(140, 40, 160));
            s.setLineStyle(new BasicStroke(6f));
            s.setShowInLegend(marked == 0);
            marked++;
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void line(XYChart chart, String name, long[] t, double[] v, Color color, boolean dashed) {
        List<Date> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (Double.isFinite(v[i])) {
                xs.add(new Date(t[i]));
                ys.add(v[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(dashed ? new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f)
                : new BasicStroke(1.6f));
    }

    private static void points(XYChart chart, String name, long[] t, double[] v, int[] severity, int level, Color color) {
        List<Date> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (severity[i] == level && Double.isFinite(v[i])) {
                xs.add(new Date(t[i]));
                ys.add(v[i]);
            }
        }
        if (xs.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }
}
