package io.flowpulse.cli;

/** {@code --state heap|rocksdb} of the commands that run a local cluster. */
public enum StateBackendChoice {
    heap, rocksdb;

    /** Flink's name of the backend ({@code state.backend.type}). */
    public String flinkName() {
        return this == rocksdb ? "rocksdb" : "hashmap";
    }
}
