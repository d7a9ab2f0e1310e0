package io.flowpulse.ml.classify;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Logistic regression baseline with Tribuo (SGD, AdaGrad) on standardized features, converted to a
 * {@link LinearModel} (weights, bias, and the standardization) for serving.
 */
public final class LogisticTrainer {
    private LogisticTrainer() {}

    /** The Tribuo model and its serving form. */
    public static final class Trained {
        public final LinearSGDModel tribuoModel;
        public final LinearModel model;

        Trained(LinearSGDModel tribuoModel, LinearModel model) {
            this.tribuoModel = tribuoModel;
            this.model = model;
        }
    }

    public static Trained train(LabelledTable data) {
        int n = data.names.size();
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int j = 0; j < n; j++) {
            double s = 0;
            int c = 0;
            for (double[] r : data.rows) {
                if (!Double.isNaN(r[j])) {
                    s += r[j];
                    c++;
                }
            }
            mean[j] = c == 0 ? 0 : s / c;
            double v = 0;
            for (double[] r : data.rows) {
                if (!Double.isNaN(r[j])) {
                    v += (r[j] - mean[j]) * (r[j] - mean[j]);
                }
            }
            std[j] = c < 2 || v == 0 ? 1.0 : Math.sqrt(v / c);
        }
        List<String> labels = new ArrayList<>(new TreeSet<>(data.labels));
        // placeholder weights so standardize() is available before training
        LinearModel scaler = new LinearModel(new FeatureSchema(data.names, 1), labels, mean, std,
                new double[n * labels.size()], new double[labels.size()]);
        LabelFactory factory = new LabelFactory();
        String[] names = data.names.toArray(new String[0]);
        List<Example<Label>> examples = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            examples.add(standardized(scaler, names, data.rows.get(i), new Label(data.labels.get(i))));
        }
        MutableDataset<Label> dataset = new MutableDataset<>(new ListDataSource<>(examples, factory,
                new SimpleDataSourceProvenance("flowpulse labelled table", OffsetDateTime.now(), factory)));
        LinearSGDModel m = (LinearSGDModel) new LogisticRegressionTrainer().train(dataset);
        DenseMatrix w = m.getWeightsCopy();
        ImmutableFeatureMap fmap = m.getFeatureIDMap();
        ImmutableOutputInfo<Label> outputs = m.getOutputIDInfo();
        double[] weights = new double[n * labels.size()];
        double[] bias = new double[labels.size()];
        int biasColumn = fmap.size();
        for (int row = 0; row < outputs.size(); row++) {
            int c = labels.indexOf(outputs.getOutput(row).getLabel());
            for (int j = 0; j < n; j++) {
                var info = fmap.get(names[j]);
                if (info != null) {
                    weights[c * n + j] = w.get(row, info.getID());
                }
            }
            bias[c] = w.get(row, biasColumn);
        }
        return new Trained(m, new LinearModel(new FeatureSchema(data.names, 1), labels, mean, std, weights, bias));
    }

    /** The Tribuo example of a raw row, standardized as the model does. */
    public static Example<Label> standardized(LinearModel model, String[] names, double[] row, Label label) {
        double[] v = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            v[j] = model.standardize(j, row[j]);
        }
        return new ArrayExample<>(label, names, v);
    }
}
