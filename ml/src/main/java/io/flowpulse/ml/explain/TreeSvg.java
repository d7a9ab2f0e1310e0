package io.flowpulse.ml.explain;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws a (pruned) surrogate tree as a standalone SVG: one box per node, leaves side by side, split
 * boxes centred over their children; leaves are coloured by class, splits on flagged features are
 * drawn in red. Written by hand: a tree diagram is not a chart (XChart draws series, not trees) and
 * SVG is plain text any browser shows.
 */
public final class TreeSvg {
    static final int BOX_W = 236;
    static final int BOX_H = 46;
    static final int GAP_X = 12;
    static final int GAP_Y = 34;
    static final int MARGIN = 16;
    static final String[] PALETTE = {"#8dd3c7", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
        "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f", "#a6cee3", "#b2df8a", "#fb9a99", "#cab2d6", "#e5c494"};

    private TreeSvg() {}

    public static String render(SurrogateTree tree, Set<String> flagged, String title) {
        List<SurrogateTree.Node> nodes = tree.nodes();
        double[] cx = new double[nodes.size()];
        int[] nextLeaf = {0};
        layout(tree, 0, cx, nextLeaf);
        int leaves = Math.max(1, nextLeaf[0]);
        int depth = tree.depth();
        int width = 2 * MARGIN + leaves * (BOX_W + GAP_X) - GAP_X;
        int height = 2 * MARGIN + 28 + (depth + 1) * (BOX_H + GAP_Y) - GAP_Y + 20 + 18 * ((tree.classes().size() + 5) / 6);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
        sb.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                MARGIN, MARGIN + 12, esc(title)));
        int top = MARGIN + 28;
        double total = tree.root().samples();
        // edges first, boxes over them
        for (int i = 0; i < nodes.size(); i++) {
            SurrogateTree.Node n = nodes.get(i);
            if (n.isLeaf()) {
                continue;
            }
            double y1 = top + n.depth * (BOX_H + GAP_Y) + BOX_H;
            for (int child : new int[] {n.left, n.right}) {
                double y2 = top + nodes.get(child).depth * (BOX_H + GAP_Y);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\"/>%n",
                        cx[i], y1, cx[child], y2));
                sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#555\" text-anchor=\"middle\">%s</text>%n",
                        (cx[i] + cx[child]) / 2 + (child == n.left ? -10 : 10), (y1 + y2) / 2, child == n.left ? "yes" : "no"));
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            SurrogateTree.Node n = nodes.get(i);
            double x = cx[i] - BOX_W / 2.0;
            double y = top + n.depth * (BOX_H + GAP_Y);
            double s = n.samples();
            String share = String.format(Locale.ROOT, "%.0f rows (%.1f%%)", s, total == 0 ? 0 : 100 * s / total);
            if (n.isLeaf()) {
                int c = n.majority();
                sb.append(box(x, y, PALETTE[c % PALETTE.length], "#333", 1));
                sb.append(line(cx[i], y + 16, clip(tree.classes().get(c)), true));
                sb.append(line(cx[i], y + 30, share, false));
                sb.append(line(cx[i], y + 42, String.format(Locale.ROOT, "%.1f%% %s", s == 0 ? 0 : 100 * n.counts[c] / s,
                        clip(tree.classes().get(c))), false));
            } else {
                String name = tree.featureNames().get(n.feature);
                boolean red = flagged.contains(name);
                sb.append(box(x, y, red ? "#fde0dd" : "#f7f7f7", red ? "#d7301f" : "#333", red ? 2.5 : 1));
                sb.append(line(cx[i], y + 16, clip(name + " <= " + SurrogateTree.number(n.threshold)), true));
                sb.append(line(cx[i], y + 30, share, false));
                sb.append(line(cx[i], y + 42, String.format(Locale.ROOT, "gini %.3f%s", n.impurity, red ? "  FLAGGED" : ""), false));
            }
        }
        // legend
        double ly = top + (depth + 1) * (BOX_H + GAP_Y) - GAP_Y + 24;
        for (int c = 0; c < tree.classes().size(); c++) {
            double lx = MARGIN + (c % 6) * 170;
            double yy = ly + (c / 6) * 18;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\" stroke=\"#333\"/>%n",
                    lx, yy - 10, PALETTE[c % PALETTE.length]));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", lx + 16, yy, esc(clip(tree.classes().get(c)))));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** x centre of every node: leaves in depth-first order, a split over the middle of its children. */
    private static double layout(SurrogateTree tree, int i, double[] cx, int[] nextLeaf) {
        SurrogateTree.Node n = tree.nodes().get(i);
        if (n.isLeaf()) {
            cx[i] = MARGIN + nextLeaf[0]++ * (BOX_W + GAP_X) + BOX_W / 2.0;
        } else {
            double l = layout(tree, n.left, cx, nextLeaf);
            double r = layout(tree, n.right, cx, nextLeaf);
            cx[i] = (l + r) / 2;
        }
        return cx[i];
    }

    private static String box(double x, double y, String fill, String stroke, double strokeWidth) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" "
                + "stroke=\"%s\" stroke-width=\"%.1f\"/>%n", x, y, BOX_W, BOX_H, fill, stroke, strokeWidth);
    }

    private static String line(double cx, double y, String text, boolean bold) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\"%s>%s</text>%n", cx, y,
                bold ? " font-weight=\"bold\"" : "", esc(text));
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 39) + "…";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

}
