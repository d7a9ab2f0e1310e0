package io.flowpulse.ml.classify;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.dtree.CARTClassificationTrainer;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.common.tree.LeafNode;
import org.tribuo.common.tree.Node;
import org.tribuo.common.tree.RandomForestTrainer;
import org.tribuo.common.tree.SplitNode;
import org.tribuo.common.tree.TreeModel;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.ensemble.WeightedEnsembleModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a random forest with Tribuo (CART trees, bootstrap samples, a random feature subset per
 * split, fully weighted voting = mean of the leaf class distributions) and converts it into a
 * {@link CompactForest} for serving. The conversion walks Tribuo's own trees, so both give the
 * same probabilities ({@code ForestTrainerTest} checks it).
 */
public final class ForestTrainer {
    /** Forest parameters. */
    public static final class Params {
        public final int trees;
        public final int maxDepth;
        public final float featureFraction;
        public final long seed;

        public Params(int trees, int maxDepth, float featureFraction, long seed) {
            this.trees = trees;
            this.maxDepth = maxDepth;
            this.featureFraction = featureFraction;
            this.seed = seed;
        }

        public static Params defaults() {
            return new Params(100, 14, 0.5f, 42);
        }
    }

    /** The Tribuo model and its serving form. */
    public static final class Trained {
        public final Model<Label> tribuoModel;
        public final CompactForest forest;

        Trained(Model<Label> tribuoModel, CompactForest forest) {
            this.tribuoModel = tribuoModel;
            this.forest = forest;
        }
    }

    private ForestTrainer() {}

    public static Trained train(LabelledTable data, Params p) {
        LabelFactory factory = new LabelFactory();
        String[] names = data.names.toArray(new String[0]);
        List<Example<Label>> examples = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            examples.add(example(names, data.rows.get(i), new Label(data.labels.get(i))));
        }
        ListDataSource<Label> source = new ListDataSource<>(examples, factory,
                new SimpleDataSourceProvenance("flowpulse labelled table", OffsetDateTime.now(), factory));
        MutableDataset<Label> dataset = new MutableDataset<>(source);
        RandomForestTrainer<Label> trainer = new RandomForestTrainer<>(
                new CARTClassificationTrainer(p.maxDepth, p.featureFraction, p.seed),
                new FullyWeightedVotingCombiner(), p.trees, p.seed);
        Model<Label> model = trainer.train(dataset);
        List<String> labels = new ArrayList<>(new TreeSet<>(data.labels));
        return new Trained(model, toCompact(model, new FeatureSchema(data.names, 1), labels));
    }

    /** Tribuo example of one row; NaN counts as 0 (Tribuo's sparse vectors treat absent as 0). */
    public static Example<Label> example(String[] names, double[] row, Label label) {
        double[] v = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            v[i] = Double.isNaN(row[i]) ? 0.0 : row[i];
        }
        return new ArrayExample<>(label, names, v);
    }

    @SuppressWarnings("unchecked")
    static CompactForest toCompact(Model<Label> model, FeatureSchema schema, List<String> labels) {
        List<Model<Label>> members = model instanceof WeightedEnsembleModel
                ? ((WeightedEnsembleModel<Label>) model).getModels() : List.of(model);
        List<Integer> feature = new ArrayList<>();
        List<Double> threshold = new ArrayList<>();
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        List<double[]> leaf = new ArrayList<>();
        int[] roots = new int[members.size()];
        for (int t = 0; t < members.size(); t++) {
            TreeModel<Label> tree = (TreeModel<Label>) members.get(t);
            ImmutableFeatureMap fmap = tree.getFeatureIDMap();
            roots[t] = add(tree.getRoot(), fmap, schema, labels, feature, threshold, left, right, leaf);
        }
        int n = feature.size();
        int k = labels.size();
        double[] probs = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(leaf.get(i), 0, probs, i * k, k);
        }
        return new CompactForest(schema, labels, roots, feature.stream().mapToInt(Integer::intValue).toArray(),
                threshold.stream().mapToDouble(Double::doubleValue).toArray(),
                left.stream().mapToInt(Integer::intValue).toArray(), right.stream().mapToInt(Integer::intValue).toArray(),
                probs);
    }

    private static int add(Node<Label> node, ImmutableFeatureMap fmap, FeatureSchema schema, List<String> labels,
            List<Integer> feature, List<Double> threshold, List<Integer> left, List<Integer> right, List<double[]> leaf) {
        int id = feature.size();
        feature.add(-1);
        threshold.add(0.0);
        left.add(-1);
        right.add(-1);
        leaf.add(new double[labels.size()]);
        if (node.isLeaf()) {
            LeafNode<Label> l = (LeafNode<Label>) node;
            double[] dist = leaf.get(id);
            Map<String, Label> d = l.getDistribution();
            if (d == null || d.isEmpty()) {
                dist[labels.indexOf(l.getOutput().getLabel())] = 1.0;
            } else {
                for (Map.Entry<String, Label> e : d.entrySet()) {
                    int c = labels.indexOf(e.getKey());
                    if (c >= 0) {
                        dist[c] = e.getValue().getScore();
                    }
                }
            }
            return id;
        }
        SplitNode<Label> s = (SplitNode<Label>) node;
        String name = fmap.get(s.getFeatureID()).getName();
        int index = schema.names().indexOf(name);
        if (index < 0) {
            throw new IllegalStateException("tree splits on unknown feature " + name);
        }
        feature.set(id, index);
        threshold.set(id, s.splitValue());
        int le = add(s.getLessThanOrEqual(), fmap, schema, labels, feature, threshold, left, right, leaf);
        int gt = add(s.getGreaterThan(), fmap, schema, labels, feature, threshold, left, right, leaf);
        left.set(id, le);
        right.set(id, gt);
        return id;
    }
}
