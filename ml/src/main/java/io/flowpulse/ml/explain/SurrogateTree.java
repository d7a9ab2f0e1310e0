package io.flowpulse.ml.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A binary classification tree (CART, Gini impurity) that keeps, per node, the class counts, the
 * impurity and the number of training rows: what Trustee's top-k branch pruning, the shortcut
 * flags and the per-flow reasons need. A row goes left when {@code x[feature] <= threshold}; a
 * missing value (NaN) counts as 0, as in {@code CompactForest}.
 *
 * <p>Written here rather than taken from Tribuo's {@code CARTClassificationTrainer}: Tribuo's
 * split nodes expose neither the impurity nor the row count of a node, a Trustee run fits dozens of
 * trees on re-sampled rows (Tribuo would rebuild examples, feature maps and provenance for each),
 * and pruning must rewrite the tree. The learner is the textbook one: features presorted once,
 * each node a segment of those orders, the best Gini split found in one scan per feature with
 * running sums of squared class counts.
 */
public final class SurrogateTree {
    /** One node; a leaf has {@code feature == -1}. */
    public static final class Node {
        public final int feature;
        public final double threshold;
        public final int left;
        public final int right;
        /** Training rows per class that reached this node. */
        public final double[] counts;
        public final double impurity;
        public final int depth;

        Node(int feature, double threshold, int left, int right, double[] counts, double impurity, int depth) {
            this.feature = feature;
            this.threshold = threshold;
            this.left = left;
            this.right = right;
            this.counts = counts;
            this.impurity = impurity;
            this.depth = depth;
        }

        public boolean isLeaf() {
            return feature < 0;
        }

        public double samples() {
            double s = 0;
            for (double c : counts) {
                s += c;
            }
            return s;
        }

        /** The majority class (lowest index on ties). */
        public int majority() {
            int best = 0;
            for (int c = 1; c < counts.length; c++) {
                if (counts[c] > counts[best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /** One condition of a path: {@code feature <= threshold} or {@code feature > threshold}. */
    public static final class Step {
        public final int node;
        public final int feature;
        public final boolean lessOrEqual;
        public final double threshold;

        Step(int node, int feature, boolean lessOrEqual, double threshold) {
            this.node = node;
            this.feature = feature;
            this.lessOrEqual = lessOrEqual;
            this.threshold = threshold;
        }

        public String describe(List<String> names) {
            return names.get(feature) + (lessOrEqual ? " <= " : " > ") + number(threshold);
        }
    }

    /** A root-to-leaf path with its leaf (Trustee's "branch"). */
    public static final class Branch {
        public final List<Step> path;
        public final int leaf;
        public final int predictedClass;
        public final double samples;
        /** Share of the leaf's rows in its majority class. */
        public final double purity;

        Branch(List<Step> path, int leaf, int predictedClass, double samples, double purity) {
            this.path = path;
            this.leaf = leaf;
            this.predictedClass = predictedClass;
            this.samples = samples;
            this.purity = purity;
        }
    }

    /** Learner parameters: 0 means no limit on the depth. */
    public static final class Params {
        public final int maxDepth;
        public final int minSamplesLeaf;

        public Params(int maxDepth, int minSamplesLeaf) {
            if (maxDepth < 0 || minSamplesLeaf < 1) {
                throw new IllegalArgumentException("maxDepth >= 0, minSamplesLeaf >= 1");
            }
            this.maxDepth = maxDepth;
            this.minSamplesLeaf = minSamplesLeaf;
        }

        public static Params defaults() {
            return new Params(0, 1);
        }
    }

    private final List<String> featureNames;
    private final List<String> classes;
    private final List<Node> nodes;

    public SurrogateTree(List<String> featureNames, List<String> classes, List<Node> nodes) {
        this.featureNames = List.copyOf(featureNames);
        this.classes = List.copyOf(classes);
        this.nodes = List.copyOf(nodes);
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public List<String> classes() {
        return classes;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Node root() {
        return nodes.get(0);
    }

    public int size() {
        return nodes.size();
    }

    public int leaves() {
        int n = 0;
        for (Node node : nodes) {
            if (node.isLeaf()) {
                n++;
            }
        }
        return n;
    }

    public int depth() {
        int d = 0;
        for (Node node : nodes) {
            d = Math.max(d, node.depth);
        }
        return d;
    }

    /** The leaf node index of {@code x}. */
    public int leafOf(double[] x) {
        int i = 0;
        Node n = nodes.get(0);
        while (!n.isLeaf()) {
            double v = x[n.feature];
            i = (v != v ? 0.0 : v) <= n.threshold ? n.left : n.right;
            n = nodes.get(i);
        }
        return i;
    }

    /** The predicted class index of {@code x}. */
    public int predict(double[] x) {
        return nodes.get(leafOf(x)).majority();
    }

    /** The conditions {@code x} meets on its way to its leaf. */
    public List<Step> path(double[] x) {
        List<Step> steps = new ArrayList<>();
        Node n = nodes.get(0);
        int i = 0;
        while (!n.isLeaf()) {
            double v = x[n.feature];
            boolean le = (v != v ? 0.0 : v) <= n.threshold;
            steps.add(new Step(i, n.feature, le, n.threshold));
            i = le ? n.left : n.right;
            n = nodes.get(i);
        }
        return steps;
    }

    /** Every root-to-leaf branch, in depth-first order (left first). */
    public List<Branch> branches() {
        List<Branch> out = new ArrayList<>();
        walk(0, new ArrayList<>(), out);
        return out;
    }

    private void walk(int i, List<Step> path, List<Branch> out) {
        Node n = nodes.get(i);
        if (n.isLeaf()) {
            double s = n.samples();
            out.add(new Branch(List.copyOf(path), i, n.majority(), s, s == 0 ? 0 : n.counts[n.majority()] / s));
            return;
        }
        path.add(new Step(i, n.feature, true, n.threshold));
        walk(n.left, path, out);
        path.set(path.size() - 1, new Step(i, n.feature, false, n.threshold));
        walk(n.right, path, out);
        path.remove(path.size() - 1);
    }

    /** The {@code k} branches that cover the most training rows, most first. */
    public List<Branch> topBranches(int k) {
        List<Branch> all = new ArrayList<>(branches());
        all.sort(Comparator.comparingDouble((Branch b) -> b.samples).reversed());
        return all.subList(0, Math.min(k, all.size()));
    }

    /**
     * Trustee's top-k pruning: keep the split nodes that lie on the {@code k} branches covering the
     * most rows and whose impurity is above {@code maxImpurity}; every other split becomes a leaf
     * predicting its majority class. The result is a smaller tree that says what decides most flows.
     */
    public SurrogateTree pruneTopK(int k, double maxImpurity) {
        Set<Integer> keep = new HashSet<>();
        for (Branch b : topBranches(k)) {
            for (Step s : b.path) {
                if (nodes.get(s.node).impurity > maxImpurity) {
                    keep.add(s.node);
                }
            }
        }
        List<Node> out = new ArrayList<>();
        copy(0, keep, out);
        return new SurrogateTree(featureNames, classes, out);
    }

    private int copy(int i, Set<Integer> keep, List<Node> out) {
        Node n = nodes.get(i);
        int id = out.size();
        out.add(null);
        if (n.isLeaf() || !keep.contains(i)) {
            out.set(id, new Node(-1, 0, -1, -1, n.counts, n.impurity, n.depth));
            return id;
        }
        int l = copy(n.left, keep, out);
        int r = copy(n.right, keep, out);
        out.set(id, new Node(n.feature, n.threshold, l, r, n.counts, n.impurity, n.depth));
        return id;
    }

    /** Sum over split nodes of the rows they split, per feature: how much of the tree rests on each feature. */
    public double[] splitSamplesPerFeature() {
        double[] s = new double[featureNames.size()];
        for (Node n : nodes) {
            if (!n.isLeaf()) {
                s[n.feature] += n.samples();
            }
        }
        return s;
    }

    /** The tree as indented text, one line per node. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        text(0, "", sb);
        return sb.toString();
    }

    private void text(int i, String indent, StringBuilder sb) {
        Node n = nodes.get(i);
        double s = n.samples();
        if (n.isLeaf()) {
            sb.append(indent).append("-> ").append(classes.get(n.majority()))
                    .append(String.format(Locale.ROOT, "  (%.0f rows, %.1f%% %s)%n", s,
                            s == 0 ? 0 : 100 * n.counts[n.majority()] / s, classes.get(n.majority())));
            return;
        }
        String name = featureNames.get(n.feature);
        sb.append(indent).append("if ").append(name).append(" <= ").append(number(n.threshold))
                .append(String.format(Locale.ROOT, "   (%.0f rows, gini %.3f)%n", s, n.impurity));
        text(n.left, indent + "|   ", sb);
        sb.append(indent).append("else (").append(name).append(" > ").append(number(n.threshold)).append(")\n");
        text(n.right, indent + "|   ", sb);
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e7) ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.4f", v)
                .replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    // ---------------------------------------------------------------- bytes

    /** Format tag of {@link #encode()}: the pruned tree travels in {@code ModelUpdate.explanation}. */
    public static final String FORMAT = "flowpulse-surrogate-tree-v1";

    public byte[] encode() {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
            out.writeUTF(FORMAT);
            out.writeInt(featureNames.size());
            for (String n : featureNames) {
                out.writeUTF(n);
            }
            out.writeInt(classes.size());
            for (String c : classes) {
                out.writeUTF(c);
            }
            out.writeInt(nodes.size());
            for (Node n : nodes) {
                out.writeInt(n.feature);
                out.writeDouble(n.threshold);
                out.writeInt(n.left);
                out.writeInt(n.right);
                out.writeDouble(n.impurity);
                out.writeInt(n.depth);
                for (double c : n.counts) {
                    out.writeDouble(c);
                }
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes {@link #encode()}; checks every index, so a damaged payload fails here, not while serving. */
    public static SurrogateTree decode(byte[] payload) throws java.io.IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(payload));
        if (!FORMAT.equals(in.readUTF())) {
            throw new java.io.IOException("not a " + FORMAT);
        }
        int f = in.readInt();
        if (f < 1 || f > 100_000) {
            throw new java.io.IOException("bad feature count " + f);
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < f; i++) {
            names.add(in.readUTF());
        }
        int k = in.readInt();
        if (k < 1 || k > 10_000) {
            throw new java.io.IOException("bad class count " + k);
        }
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            classes.add(in.readUTF());
        }
        int n = in.readInt();
        if (n < 1 || (long) n * (32 + 8L * k) > payload.length) {
            throw new java.io.IOException("bad node count " + n);
        }
        List<Node> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int feature = in.readInt();
            double threshold = in.readDouble();
            int left = in.readInt();
            int right = in.readInt();
            double impurity = in.readDouble();
            int depth = in.readInt();
            double[] counts = new double[k];
            for (int c = 0; c < k; c++) {
                counts[c] = in.readDouble();
            }
            if (feature >= f || feature < -1 || (feature >= 0 && (left <= i || left >= n || right <= i || right >= n))) {
                throw new java.io.IOException("bad node " + i);
            }
            nodes.add(new Node(feature, threshold, left, right, counts, impurity, depth));
        }
        if (in.available() > 0) {
            throw new java.io.IOException("trailing bytes");
        }
        return new SurrogateTree(names, classes, nodes);
    }

    /**
     * The reasons of a decision: the conditions {@code x} meets on its way through this tree, and
     * the leaf's class, e.g. {@code ["Dst Port > 21.5", "Bwd Packet Length Mean <= 692.3", "-> DDoS"]}.
     */
    public List<String> reasons(double[] x) {
        List<String> out = new ArrayList<>();
        for (Step s : path(x)) {
            out.add(s.describe(featureNames));
        }
        out.add("-> " + classes.get(predict(x)));
        return out;
    }

    // ---------------------------------------------------------------- learning

    /**
     * Fits a tree on rows {@code rows} (indices into {@code x}, repeats allowed) with class indices
     * {@code y[row]} in {@code [0, classes.size())}.
     */
    public static SurrogateTree fit(double[][] x, int[] y, int[] rows, List<String> featureNames, List<String> classes,
            Params p) {
        return new Learner(x, y, rows, featureNames.size(), classes.size(), p).fit(featureNames, classes);
    }

    private static final class Learner {
        final int n;
        final int f;
        final int k;
        final Params p;
        final double[][] v;      // v[feature][position in rows] = value (NaN as 0)
        final int[] label;       // per position
        final int[][] order;     // order[feature] = positions sorted by value, node segments contiguous
        final boolean[] goesLeft;
        final int[] buffer;
        final List<Node> out = new ArrayList<>();

        Learner(double[][] x, int[] y, int[] rows, int features, int classes, Params p) {
            this.n = rows.length;
            this.f = features;
            this.k = classes;
            this.p = p;
            this.v = new double[f][n];
            this.label = new int[n];
            for (int i = 0; i < n; i++) {
                double[] row = x[rows[i]];
                for (int j = 0; j < f; j++) {
                    double val = row[j];
                    v[j][i] = val != val ? 0.0 : val;
                }
                label[i] = y[rows[i]];
            }
            this.order = new int[f][];
            for (int j = 0; j < f; j++) {
                order[j] = sortedPositions(v[j]);
            }
            this.goesLeft = new boolean[n];
            this.buffer = new int[n];
        }

        SurrogateTree fit(List<String> featureNames, List<String> classes) {
            if (n == 0) {
                out.add(new Node(-1, 0, -1, -1, new double[k], 0, 0));
            } else {
                grow(0, n, 0);
            }
            return new SurrogateTree(featureNames, classes, out);
        }

        private int grow(int lo, int hi, int depth) {
            double[] counts = new double[k];
            int[] any = order[0];
            for (int i = lo; i < hi; i++) {
                counts[label[any[i]]]++;
            }
            int size = hi - lo;
            double sq = 0;
            for (double c : counts) {
                sq += c * c;
            }
            double impurity = 1 - sq / ((double) size * size);
            int id = out.size();
            out.add(null);
            int bestFeature = -1;
            int bestCut = -1;
            double bestThreshold = 0;
            if (impurity > 1e-12 && size >= 2 * p.minSamplesLeaf && (p.maxDepth == 0 || depth < p.maxDepth)) {
                // weighted Gini of a split: nL - sqL/nL + nR - sqR/nR; the best one minimises it
                double bestScore = size - sq / size - 1e-9;
                double[] left = new double[k];
                for (int j = 0; j < f; j++) {
                    Arrays.fill(left, 0);
                    double sqL = 0;
                    double sqR = sq;
                    int[] o = order[j];
                    double[] vj = v[j];
                    for (int i = lo; i < hi - 1; i++) {
                        int c = label[o[i]];
                        double rc = counts[c] - left[c];
                        sqR -= 2 * rc - 1;
                        sqL += 2 * left[c] + 1;
                        left[c]++;
                        int nL = i - lo + 1;
                        int nR = size - nL;
                        if (nL < p.minSamplesLeaf || nR < p.minSamplesLeaf) {
                            continue;
                        }
                        double a = vj[o[i]];
                        double b = vj[o[i + 1]];
                        if (!(b > a)) {
                            continue;
                        }
                        double score = nL - sqL / nL + nR - sqR / nR;
                        if (score < bestScore) {
                            bestScore = score;
                            bestFeature = j;
                            bestCut = i;
                            double mid = a / 2 + b / 2;
                            bestThreshold = mid >= b || mid < a ? a : mid;
                        }
                    }
                }
            }
            if (bestFeature < 0) {
                out.set(id, new Node(-1, 0, -1, -1, counts, impurity, depth));
                return id;
            }
            int[] ob = order[bestFeature];
            for (int i = lo; i < hi; i++) {
                goesLeft[ob[i]] = i <= bestCut;
            }
            int mid = bestCut + 1;
            for (int j = 0; j < f; j++) {
                if (j != bestFeature) {
                    partition(order[j], lo, hi);
                }
            }
            int l = grow(lo, mid, depth + 1);
            int r = grow(mid, hi, depth + 1);
            out.set(id, new Node(bestFeature, bestThreshold, l, r, counts, impurity, depth));
            return id;
        }

        /** Stable partition of o[lo, hi): left-going positions first, order kept on both sides. */
        private void partition(int[] o, int lo, int hi) {
            int w = lo;
            int b = 0;
            for (int i = lo; i < hi; i++) {
                int pos = o[i];
                if (goesLeft[pos]) {
                    o[w++] = pos;
                } else {
                    buffer[b++] = pos;
                }
            }
            System.arraycopy(buffer, 0, o, w, b);
        }

        private static int[] sortedPositions(double[] values) {
            int m = values.length;
            double[] copy = values.clone();
            int[] idx = new int[m];
            for (int i = 0; i < m; i++) {
                idx[i] = i;
            }
            quicksort(copy, idx, 0, m - 1);
            return idx;
        }

        private static void quicksort(double[] a, int[] idx, int lo, int hi) {
            while (hi - lo > 16) {
                double pivot = median(a[lo], a[lo + (hi - lo) / 2], a[hi]);
                int i = lo;
                int j = hi;
                while (i <= j) {
                    while (a[i] < pivot) {
                        i++;
                    }
                    while (a[j] > pivot) {
                        j--;
                    }
                    if (i <= j) {
                        double t = a[i];
                        a[i] = a[j];
                        a[j] = t;
                        int ti = idx[i];
                        idx[i] = idx[j];
                        idx[j] = ti;
                        i++;
                        j--;
                    }
                }
                if (j - lo < hi - i) {
                    quicksort(a, idx, lo, j);
                    lo = i;
                } else {
                    quicksort(a, idx, i, hi);
                    hi = j;
                }
            }
            for (int i = lo + 1; i <= hi; i++) {
                double t = a[i];
                int ti = idx[i];
                int j = i - 1;
                while (j >= lo && a[j] > t) {
                    a[j + 1] = a[j];
                    idx[j + 1] = idx[j];
                    j--;
                }
                a[j + 1] = t;
                idx[j + 1] = ti;
            }
        }

        private static double median(double a, double b, double c) {
            return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
        }
    }
}
