package io.flowpulse.ml.active;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.FlowKey;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelledDatasetStoreTest {
    static Annotation label(String id, String label, double x) {
        return Annotation.newBuilder().setRequestId(id)
                .setKey(FlowKey.newBuilder().setSrcIp(ByteBuffer.wrap(new byte[4])).setDstIp(ByteBuffer.wrap(new byte[4]))
                        .setSrcPort(1).setDstPort(2).setProtocol(6).build())
                .setFeatures(Map.of("x", x)).setLabel(label).setAnnotator("oracle").setAnnotatedMillis(1).build();
    }

    @Test
    void boundedBalancedDeduplicatedAndPersisted(@TempDir Path dir) throws Exception {
        LabelledDatasetStore s = new LabelledDatasetStore(10, 1);
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(new double[] {i});
            labels.add("a");
        }
        s.seed(new LabelledTable(List.of("x"), rows, labels), "d0");
        for (int i = 0; i < 20; i++) {
            s.add("f" + i, label("f" + i, i < 16 ? "b" : "c", i));
        }
        s.add("f17", label("f17", "b", 17)); // relabelled flow: replaces, no duplicate
        assertEquals(10, s.size());
        Map<String, Integer> counts = s.classCounts();
        int max = counts.values().stream().mapToInt(Integer::intValue).max().getAsInt();
        int min = counts.values().stream().mapToInt(Integer::intValue).min().getAsInt();
        assertEquals(3, counts.size());
        org.junit.jupiter.api.Assertions.assertTrue(max - min <= 1, "the largest class is undersampled: " + counts);
        Path file = dir.resolve("dataset.avro");
        s.save(file);
        LabelledDatasetStore back = LabelledDatasetStore.load(file, 10, 1);
        assertEquals(counts, back.classCounts());
        assertEquals(10, back.table(List.of("x")).size());
    }
}
