package io.flowpulse.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster every job ITCase shares the shape of: one TaskManager with two slots (parallelism 2). */
public final class TestClusters {
    private TestClusters() {}

    /** For a {@code static final} field annotated {@code @RegisterExtension}. */
    public static MiniClusterExtension miniCluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}
