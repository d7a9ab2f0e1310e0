package io.flowpulse.ml.sequence;

import ai.djl.engine.Engine;

/**
 * Starts DJL's PyTorch engine the one way flowpulse allows: offline. libtorch comes from the
 * {@code ai.djl.pytorch:pytorch-native-cpu} jar on the classpath (DJL extracts it once to its cache
 * directory, {@code ~/.djl.ai} or {@code -DDJL_CACHE_DIR}); with {@code ai.djl.offline=true} DJL
 * never downloads at run time, so a missing native jar is a clear error instead of a network call.
 *
 * <p>Threads: one intra-op and one inter-op thread per JVM unless {@code ai.djl.pytorch.num_threads}
 * / {@code ai.djl.pytorch.num_interop_threads} say otherwise: Flink runs one task per slot and the
 * machines here have two cores, so PyTorch's default (one thread per core in every operator)
 * only oversubscribes.
 */
public final class DjlRuntime {
    public static final String ENGINE = "PyTorch";
    private static volatile Engine engine;

    private DjlRuntime() {}

    /** The PyTorch engine, loaded offline on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlRuntime.class) {
                if (engine == null) {
                    engine = load();
                }
                e = engine;
            }
        }
        return e;
    }

    private static Engine load() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        // no usage reporting and no engine auto-detection across the classpath
        setIfAbsent("ai.djl.default_engine", ENGINE);
        if (Thread.currentThread().getContextClassLoader() != null
                && Thread.currentThread().getContextClassLoader().getResource("native/lib/pytorch.properties") == null
                && DjlRuntime.class.getClassLoader().getResource("native/lib/pytorch.properties") == null) {
            throw new IllegalStateException("libtorch is not on the classpath: add ai.djl.pytorch:pytorch-native-cpu"
                    + " (classifier linux-x86_64) next to pytorch-engine; flowpulse runs DJL offline and never downloads it");
        }
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("DJL's PyTorch engine did not load offline: " + e.getMessage(), e);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
