package io.flowpulse.testing;

import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Test sink (Sink V2) that collects every record into a JVM-wide queue, for MiniCluster jobs. */
public final class QueueSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final ConcurrentHashMap<String, Queue<Object>> QUEUES = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();

    public QueueSink() {
        QUEUES.put(id, new ConcurrentLinkedQueue<>());
    }

    @SuppressWarnings("unchecked")
    public Queue<T> values() {
        return (Queue<T>) QUEUES.get(id);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        Queue<Object> queue = QUEUES.get(id);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
