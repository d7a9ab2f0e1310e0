package io.flowpulse.local;

import java.net.URI;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A local Flink cluster (MiniCluster: JobManager + TaskManagers in this JVM) with its web UI and
 * REST API on localhost, for the demo and local runs. Jobs are submitted to it over REST exactly
 * as to a remote cluster; the user classes are already on this JVM's classpath.
 */
public final class LocalFlinkCluster implements AutoCloseable {
    private final MiniCluster miniCluster;
    private final URI restAddress;

    private LocalFlinkCluster(MiniCluster miniCluster, URI restAddress) {
        this.miniCluster = miniCluster;
        this.restAddress = restAddress;
    }

    /**
     * Starts a cluster with {@code slots} task slots. {@code flinkConf} carries the cluster
     * settings (state backend, checkpointing, web UI port range...).
     */
    public static LocalFlinkCluster start(Configuration flinkConf, int slots) throws Exception {
        Configuration conf = new Configuration(flinkConf);
        if (!conf.contains(RestOptions.BIND_PORT)) {
            conf.set(RestOptions.BIND_PORT, "8081-8099");
        }
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlinkCluster(cluster, cluster.getRestAddress().get());
    }

    /** The web UI / REST base URL, e.g. http://127.0.0.1:8081. */
    public String webUrl() {
        return "http://" + restAddress.getHost() + ":" + restAddress.getPort();
    }

    /** An execution environment that submits to this cluster. */
    public StreamExecutionEnvironment env(Configuration jobConf) {
        return StreamExecutionEnvironment.createRemoteEnvironment(
                restAddress.getHost(), restAddress.getPort(), jobConf);
    }

    @Override
    public void close() throws Exception {
        miniCluster.close();
    }
}
