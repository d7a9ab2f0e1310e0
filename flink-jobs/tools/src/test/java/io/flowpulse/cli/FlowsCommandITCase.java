package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.features.FlowFeatureNames;
import io.flowpulse.testing.TestClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class FlowsCommandITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @Test
    void writesOneRowPerFlowWithEveryFeature(@TempDir Path dir) throws Exception {
        Path pcap = Path.of(System.getProperty("flowpulse.shared.data", "../shared/data"))
                .resolve("pcap/nfstream/pcaps/443-curl.pcap");
        Path csv = dir.resolve("flows.csv");
        int rc = FlowpulseCli.run(new String[] {"flows", "--pcap", pcap.toString(), "--output", csv.toString()});
        assertEquals(0, rc);
        List<String> lines = Files.readAllLines(csv);
        String[] header = lines.get(0).split(",");
        assertEquals(8 + FlowFeatureNames.ALL.size(), header.length);
        assertEquals("bidirectional_packets", header[8]);
        assertTrue(lines.size() >= 2);
        for (String row : lines.subList(1, lines.size())) {
            assertEquals(header.length, row.split(",", -1).length, row);
            assertTrue(!row.contains("NaN") && !row.contains("Infinity"), row);
        }
        // nfstream: 1 flow, 109 packets, 73,982 link-layer bytes
        String[] first = lines.get(1).split(",");
        assertEquals("109", first[8]);
        assertEquals("73982", first[9]);
    }
}
