package io.flowpulse.active;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The experiment's outputs: one CSV per strategy, one CSV of all, a PNG chart (XChart) and a Markdown table. */
public final class LearningCurves {
    static final String HEADER = "strategy,round,labels_used,labels_share,requests,store_size,train_rows,challenger_macro_f1,"
            + "serving_macro_f1,serving_version,served_version,published,job_s,annotate_s,train_s,evaluate_s,round_s,cpu_s,reason";

    private LearningCurves() {}

    public static void writeCsv(Path dir, ActiveLearningExperiment.Result r) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(HEADER.split(",")).setRecordSeparator('\n').get();
        try (CSVPrinter all = new CSVPrinter(Files.newBufferedWriter(dir.resolve("learning-curves.csv")), format)) {
            for (Map.Entry<String, List<ActiveLearningExperiment.Round>> e : r.curves.entrySet()) {
                try (CSVPrinter one = new CSVPrinter(Files.newBufferedWriter(dir.resolve(e.getKey() + ".csv")), format)) {
                    for (ActiveLearningExperiment.Round x : e.getValue()) {
                        List<Object> row = List.of(e.getKey(), x.round, x.labelled,
                                f(4, r.poolSize == 0 ? 0 : (double) x.labelled / r.poolSize), x.queried, x.storeSize, x.trainRows,
                                f(6, x.challengerF1), f(6, x.servingF1), x.servingVersion, x.servedVersion, x.published,
                                f(3, x.jobSeconds), f(3, x.annotateSeconds), f(3, x.trainSeconds), f(3, x.evaluateSeconds),
                                f(3, x.roundSeconds), f(3, x.cpuSeconds), x.reason == null ? "" : x.reason);
                        one.printRecord(row);
                        all.printRecord(row);
                    }
                }
            }
        }
    }

    private static String f(int digits, double v) {
        return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
    }

    public static void writeChart(Path png, String title, ActiveLearningExperiment.Result r) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(1000).height(600).title(title)
                .xAxisTitle("labels used (queried from the stream)").yAxisTitle("macro F1 on the held-out set").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setMarkerSize(6);
        Color[] colors = {new Color(120, 120, 120), new Color(30, 90, 200), new Color(220, 100, 20), new Color(40, 150, 60),
            new Color(160, 40, 160)};
        int c = 0;
        double maxX = 1;
        for (Map.Entry<String, List<ActiveLearningExperiment.Round>> e : r.curves.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (ActiveLearningExperiment.Round x : e.getValue()) {
                xs.add((double) x.labelled);
                ys.add(x.challengerF1);
                maxX = Math.max(maxX, x.labelled);
            }
            XYSeries s = chart.addSeries(e.getKey(), xs, ys);
            s.setLineColor(colors[c % colors.length]);
            s.setMarkerColor(colors[c % colors.length]);
            s.setMarker(SeriesMarkers.CIRCLE);
            c++;
        }
        XYSeries ref = chart.addSeries(String.format("all %,d labels (%.4f)", r.fullDataRows, r.fullDataF1),
                List.of(0.0, maxX), List.of(r.fullDataF1, r.fullDataF1));
        ref.setLineColor(Color.BLACK);
        ref.setMarker(SeriesMarkers.NONE);
        ref.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        XYSeries band = chart.addSeries("all labels - 0.01", List.of(0.0, maxX), List.of(r.fullDataF1 - 0.01, r.fullDataF1 - 0.01));
        band.setLineColor(new Color(150, 150, 150));
        band.setMarker(SeriesMarkers.NONE);
        band.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 3f}, 0f));
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * A Markdown table: per strategy the macro F1 after each round, the first labels count within
     * 0.01 of the full-data F1, and in how many rounds it beat random.
     */
    public static String table(ActiveLearningExperiment.Result r) {
        StringBuilder sb = new StringBuilder();
        List<ActiveLearningExperiment.Round> any = r.curves.values().iterator().next();
        sb.append("| strategy |");
        for (ActiveLearningExperiment.Round x : any) {
            sb.append(" ").append(x.labelled).append(" |");
        }
        sb.append(" labels to full-data F1 - 0.01 (share of pool) | rounds above random | time per round (job / train) | CPU s |\n|---|");
        any.forEach(x -> sb.append("---|"));
        sb.append("---|---|---|---|\n");
        List<ActiveLearningExperiment.Round> random = r.curves.get("random");
        for (Map.Entry<String, List<ActiveLearningExperiment.Round>> e : r.curves.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            String reached = "not reached";
            int above = 0;
            int rounds = 0;
            double job = 0;
            double train = 0;
            double cpu = 0;
            for (int i = 0; i < e.getValue().size(); i++) {
                ActiveLearningExperiment.Round x = e.getValue().get(i);
                sb.append(String.format(java.util.Locale.ROOT, " %.4f |", x.challengerF1));
                if (reached.equals("not reached") && x.challengerF1 >= r.fullDataF1 - 0.01) {
                    reached = String.format(java.util.Locale.ROOT, "%,d (%.1f %%)", x.labelled, 100.0 * x.labelled / Math.max(1, r.poolSize));
                }
                if (i > 0) {
                    rounds++;
                    job += x.jobSeconds;
                    train += x.trainSeconds;
                    if (random != null && i < random.size() && x.challengerF1 > random.get(i).challengerF1) {
                        above++;
                    }
                }
                cpu += x.cpuSeconds;
            }
            sb.append(" ").append(reached).append(" | ")
                    .append(e.getKey().equals("random") || random == null ? "-" : above + " of " + rounds).append(" | ")
                    .append(String.format(java.util.Locale.ROOT, "%.1f s / %.1f s", job / Math.max(1, rounds), train / Math.max(1, rounds)))
                    .append(" | ").append(String.format(java.util.Locale.ROOT, "%.0f", cpu)).append(" |\n");
        }
        sb.append(String.format(java.util.Locale.ROOT, "%nfull-data reference: macro F1 %.4f, trained on all %,d labels "
                + "(pool %,d + initial %,d) in %.1f s; held-out %,d flows %s%n", r.fullDataF1, r.fullDataRows, r.poolSize,
                r.initialSize, r.fullDataTrainSeconds, r.heldOutSize, r.heldOutClasses));
        return sb.toString();
    }
}
