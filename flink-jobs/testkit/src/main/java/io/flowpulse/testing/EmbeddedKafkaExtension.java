package io.flowpulse.testing;

import io.flowpulse.local.EmbeddedKafkaCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real embedded KRaft broker for one test class: started before its first test, closed after its
 * last. Use as a {@code static final} field annotated {@code @RegisterExtension}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    /** How the broker is started (plain, SCRAM, ...). */
    @FunctionalInterface
    public interface Starter {
        EmbeddedKafkaCluster start() throws Exception;
    }

    private final Starter starter;
    private EmbeddedKafkaCluster cluster;

    /** A plaintext broker. */
    public EmbeddedKafkaExtension() {
        this(EmbeddedKafkaCluster::start);
    }

    public EmbeddedKafkaExtension(Starter starter) {
        this.starter = starter;
    }

    /** The running broker (only between the class's first and last test). */
    public EmbeddedKafkaCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the embedded broker is not running");
        }
        return cluster;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = starter.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
