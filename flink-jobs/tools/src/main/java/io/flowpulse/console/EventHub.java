package io.flowpulse.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowpulse.console.ConsoleViews.AlertView;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live feed of the page (server-sent events). Topic updates are coalesced and sent at most
 * every {@code flushMillis}: one "alerts" event with the episodes changed since the last flush
 * (newest version each), one "ports"/"queue"/"models" event saying that view changed, and the
 * summary counts. At 100 alert updates a second a page gets a few small events a second,
 * not 100.
 */
final class EventHub implements AutoCloseable {
    static final int MAX_ALERTS_PER_EVENT = 200;

    private final ObjectMapper json;
    private final ConsoleState state;
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<AlertView> alerts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean ports = new AtomicBoolean();
    private final AtomicBoolean queue = new AtomicBoolean();
    private final AtomicBoolean models = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowpulse-console-events");
        t.setDaemon(true);
        return t;
    });
    private volatile long sentEvents;

    EventHub(ObjectMapper json, ConsoleState state, long flushMillis) {
        this.json = json;
        this.state = state;
        timer.scheduleWithFixedDelay(this::flush, flushMillis, flushMillis, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::ping, 15, 15, TimeUnit.SECONDS);
    }

    void add(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        send(client, "summary", state.summary());
    }

    int clients() {
        return clients.size();
    }

    long sentEvents() {
        return sentEvents;
    }

    void alert(AlertView a) {
        alerts.add(a);
    }

    void portsChanged() {
        ports.set(true);
    }

    void queueChanged() {
        queue.set(true);
    }

    void modelsChanged() {
        models.set(true);
    }

    private void flush() {
        try {
            List<AlertView> batch = new ArrayList<>();
            Map<String, AlertView> newest = new java.util.LinkedHashMap<>();
            for (AlertView a = alerts.poll(); a != null; a = alerts.poll()) {
                newest.remove(a.alertId());
                newest.put(a.alertId(), a);
            }
            batch.addAll(newest.values());
            if (batch.size() > MAX_ALERTS_PER_EVENT) {
                batch = batch.subList(batch.size() - MAX_ALERTS_PER_EVENT, batch.size());
            }
            boolean changed = !batch.isEmpty();
            if (!batch.isEmpty()) {
                broadcast("alerts", batch);
            }
            if (ports.getAndSet(false)) {
                broadcast("ports", Map.of());
                changed = true;
            }
            if (queue.getAndSet(false)) {
                broadcast("queue", Map.of());
                changed = true;
            }
            if (models.getAndSet(false)) {
                broadcast("models", Map.of());
                changed = true;
            }
            if (changed && !clients.isEmpty()) {
                broadcast("summary", state.summary());
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(EventHub.class).warn("console live feed", e);
        }
    }

    /** Every 15 s: the summary again (keeps idle connections open and the footer current). */
    private void ping() {
        try {
            broadcast("summary", state.summary());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(EventHub.class).warn("console live feed", e);
        }
    }

    private void broadcast(String event, Object data) {
        if (clients.isEmpty()) {
            return;
        }
        String text = toJson(data);
        for (SseClient c : clients) {
            if (c.terminated()) {
                clients.remove(c);
                continue;
            }
            try {
                c.sendEvent(event, text);
                sentEvents++;
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }

    private void send(SseClient c, String event, Object data) {
        c.sendEvent(event, toJson(data));
    }

    private String toJson(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (SseClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException e) {
                // already gone
            }
        }
        clients.clear();
    }
}
