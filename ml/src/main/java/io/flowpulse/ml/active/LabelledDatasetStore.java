package io.flowpulse.ml.active;

import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.FlowKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The training side's labelled dataset: seeded from an initial set (D0), fed by label feedback,
 * deduplicated by flow id (the newest label wins), bounded to {@code maxSize} by undersampling the
 * largest class (a seeded random victim), and persisted as an Avro data file of {@link Annotation}
 * records (written to a temporary file and moved, so a crash leaves the previous file) so a restart
 * loses nothing.
 */
public final class LabelledDatasetStore {
    private final int maxSize;
    private final SplittableRandom random;
    private final Map<String, Annotation> byId = new LinkedHashMap<>();

    public LabelledDatasetStore(int maxSize, long seed) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("maxSize >= 1");
        }
        this.maxSize = maxSize;
        this.random = new SplittableRandom(seed);
    }

    public int size() {
        return byId.size();
    }

    /** Seeds from a labelled table (e.g. D0): each row becomes an annotation with id {@code prefix#row}. */
    public void seed(LabelledTable table, String prefix) {
        for (int i = 0; i < table.size(); i++) {
            Map<String, Double> f = new HashMap<>();
            for (int j = 0; j < table.names.size(); j++) {
                f.put(table.names.get(j), table.rows.get(i)[j]);
            }
            add(prefix + "#" + i, Annotation.newBuilder().setRequestId(prefix + "#" + i)
                    .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[4])).setDstIp(ByteBuffer.wrap(new byte[4]))
                            .setSrcPort(0).setDstPort(0).setProtocol(0).build())
                    .setFeatures(f).setLabel(table.labels.get(i)).setAnnotator("seed").setAnnotatedMillis(0).build());
        }
    }

    /** Adds (or replaces) the label of one flow; undersamples the largest class beyond the bound. */
    public void add(String id, Annotation a) {
        byId.remove(id);
        byId.put(id, a);
        while (byId.size() > maxSize) {
            evictFromLargestClass();
        }
    }

    private void evictFromLargestClass() {
        Map<String, List<String>> byClass = new HashMap<>();
        for (Map.Entry<String, Annotation> e : byId.entrySet()) {
            byClass.computeIfAbsent(e.getValue().getLabel(), k -> new ArrayList<>()).add(e.getKey());
        }
        String largest = null;
        for (String c : new TreeSet<>(byClass.keySet())) {
            if (largest == null || byClass.get(c).size() > byClass.get(largest).size()) {
                largest = c;
            }
        }
        List<String> ids = byClass.get(largest);
        byId.remove(ids.get(random.nextInt(ids.size())));
    }

    public Map<String, Integer> classCounts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        byId.values().forEach(a -> counts.merge(a.getLabel(), 1, Integer::sum));
        return counts;
    }

    /** The dataset as a table over the given feature names (missing = NaN). */
    public LabelledTable table(List<String> names) {
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Annotation a : byId.values()) {
            double[] x = new double[names.size()];
            for (int i = 0; i < x.length; i++) {
                Double v = a.getFeatures().get(names.get(i));
                x[i] = v == null ? Double.NaN : v;
            }
            rows.add(x);
            labels.add(a.getLabel());
        }
        return new LabelledTable(names, rows, labels);
    }

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataFileWriter<Annotation> w = new DataFileWriter<>(new SpecificDatumWriter<>(Annotation.class))) {
            w.create(Annotation.getClassSchema(), tmp.toFile());
            for (Annotation a : byId.values()) {
                w.append(a);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static LabelledDatasetStore load(Path file, int maxSize, long seed) throws IOException {
        LabelledDatasetStore s = new LabelledDatasetStore(maxSize, seed);
        try (DataFileReader<Annotation> r = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(Annotation.class))) {
            for (Annotation a : r) {
                s.add(a.getRequestId() == null ? "anon#" + s.size() : a.getRequestId(), a);
            }
        }
        return s;
    }
}
