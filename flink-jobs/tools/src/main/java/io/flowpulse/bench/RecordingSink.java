package io.flowpulse.bench;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The operator-chain mode's sink: counts an output and notes when it arrived (System.nanoTime in
 * µs) and when it became due ({@link DueTime}), into a JVM-wide registry (the local cluster runs in
 * this JVM). Writes nothing anywhere.
 */
final class RecordingSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    static final ConcurrentHashMap<String, OutputTimes> REGISTRY = new ConcurrentHashMap<>();

    private final String id;
    private final DueTime due;

    RecordingSink(String runId, String output, DueTime due) {
        this.id = runId + "/" + output;
        this.due = due;
        REGISTRY.put(id, new OutputTimes());
    }

    static OutputTimes times(String runId, String output) {
        return REGISTRY.getOrDefault(runId + "/" + output, new OutputTimes());
    }

    static void forget(String runId) {
        REGISTRY.keySet().removeIf(k -> k.startsWith(runId + "/"));
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        OutputTimes shared = REGISTRY.get(id);
        OutputTimes local = new OutputTimes();
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                if (element instanceof io.flowpulse.records.ModelEvent) {
                    shared.add(due.of(element), System.nanoTime() / 1000); // seen at once: the bench input waits for it
                    return;
                }
                local.add(due.of(element), System.nanoTime() / 1000);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {
                shared.addAll(local);
            }
        };
    }
}
