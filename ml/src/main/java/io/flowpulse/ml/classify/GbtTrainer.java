package io.flowpulse.ml.classify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import ml.dmlc.xgboost4j.java.Booster;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Gradient-boosted trees with Tribuo over XGBoost4J (multi:softprob), converted into
 * {@link BoostedTrees} by reading XGBoost's JSON tree dump: serving needs no native library.
 */
public final class GbtTrainer {
    private GbtTrainer() {}

    /** The Tribuo model and its serving form. */
    public static final class Trained {
        public final XGBoostModel<Label> tribuoModel;
        public final BoostedTrees model;

        Trained(XGBoostModel<Label> tribuoModel, BoostedTrees model) {
            this.tribuoModel = tribuoModel;
            this.model = model;
        }
    }

    @SuppressWarnings("unchecked")
    public static Trained train(LabelledTable data, int rounds, int maxDepth, long seed) throws Exception {
        LabelFactory factory = new LabelFactory();
        String[] names = data.names.toArray(new String[0]);
        List<Example<Label>> examples = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            examples.add(ForestTrainer.example(names, data.rows.get(i), new Label(data.labels.get(i))));
        }
        MutableDataset<Label> dataset = new MutableDataset<>(new ListDataSource<>(examples, factory,
                new SimpleDataSourceProvenance("flowpulse labelled table", OffsetDateTime.now(), factory)));
        XGBoostClassificationTrainer trainer = new XGBoostClassificationTrainer(rounds, 0.3, 0.0, maxDepth, 1.0, 1.0, 1.0,
                1.0, 0.0, 1, true, seed);
        XGBoostModel<Label> m = (XGBoostModel<Label>) trainer.train(dataset);
        return new Trained(m, toServing(m, new FeatureSchema(data.names, 1), new ArrayList<>(new TreeSet<>(data.labels))));
    }

    static BoostedTrees toServing(XGBoostModel<Label> m, FeatureSchema schema, List<String> labels) throws Exception {
        ImmutableFeatureMap fmap = m.getFeatureIDMap();
        ImmutableOutputInfo<Label> outputs = m.getOutputIDInfo();
        int k = outputs.size();
        int[] classOfOutput = new int[k];
        for (int o = 0; o < k; o++) {
            classOfOutput[o] = labels.indexOf(outputs.getOutput(o).getLabel());
        }
        Booster booster = m.getInnerModels().get(0);
        String[] dump = booster.getModelDump((String) null, false, "json");
        ObjectMapper json = new ObjectMapper();
        List<Integer> roots = new ArrayList<>();
        List<Integer> treeClass = new ArrayList<>();
        Nodes nodes = new Nodes();
        for (int t = 0; t < dump.length; t++) {
            JsonNode tree = json.readTree(dump[t]);
            roots.add(nodes.add(tree, fmap, schema));
            treeClass.add(k == 1 ? 0 : classOfOutput[t % k]);
        }
        return new BoostedTrees(schema, labels, roots.stream().mapToInt(Integer::intValue).toArray(),
                treeClass.stream().mapToInt(Integer::intValue).toArray(), nodes.ints(nodes.feature), nodes.floats(nodes.threshold),
                nodes.ints(nodes.yes), nodes.ints(nodes.no), nodes.ints(nodes.missing), nodes.floats(nodes.leaf));
    }

    /** Node arrays under construction. */
    private static final class Nodes {
        final List<Integer> feature = new ArrayList<>();
        final List<Float> threshold = new ArrayList<>();
        final List<Integer> yes = new ArrayList<>();
        final List<Integer> no = new ArrayList<>();
        final List<Integer> missing = new ArrayList<>();
        final List<Float> leaf = new ArrayList<>();

        int add(JsonNode node, ImmutableFeatureMap fmap, FeatureSchema schema) {
            int id = feature.size();
            feature.add(-1);
            threshold.add(0f);
            yes.add(-1);
            no.add(-1);
            missing.add(-1);
            leaf.add(0f);
            if (node.has("leaf")) {
                leaf.set(id, (float) node.get("leaf").asDouble());
                return id;
            }
            String split = node.get("split").asText(); // "f<tribuo feature id>"
            String name = fmap.get(Integer.parseInt(split.substring(1))).getName();
            int index = schema.names().indexOf(name);
            if (index < 0) {
                throw new IllegalStateException("tree splits on unknown feature " + name);
            }
            feature.set(id, index);
            threshold.set(id, (float) node.get("split_condition").asDouble());
            Map<Integer, Integer> childIndex = new HashMap<>();
            for (JsonNode child : node.get("children")) {
                childIndex.put(child.get("nodeid").asInt(), add(child, fmap, schema));
            }
            yes.set(id, childIndex.get(node.get("yes").asInt()));
            no.set(id, childIndex.get(node.get("no").asInt()));
            missing.set(id, childIndex.get(node.get("missing").asInt()));
            return id;
        }

        int[] ints(List<Integer> l) {
            return l.stream().mapToInt(Integer::intValue).toArray();
        }

        float[] floats(List<Float> l) {
            float[] out = new float[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = l.get(i);
            }
            return out;
        }
    }
}
