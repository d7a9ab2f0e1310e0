package io.flowpulse.console;

import io.flowpulse.config.JobOptions;
import java.time.Duration;
import java.util.Properties;

/**
 * What the web console reads and how much it keeps. Topic names default to the job's
 * ({@link JobOptions}); the bounds keep the server's memory flat whatever the topics hold.
 *
 * @param bootstrapServers Kafka to read from and to write labels to
 * @param host address the HTTP server binds (127.0.0.1 by default: reads are safe, but say so)
 * @param port HTTP port (0 = any free port)
 * @param token the token that writing labels needs; null = read-only console
 * @param pointsPerKey recent anomaly points kept per port key (a ring, oldest dropped)
 * @param maxKeys port keys kept; points of further keys are counted and dropped
 * @param maxAlerts alert episodes kept (oldest last-bucket dropped first)
 * @param maxRequests pending annotation requests kept (lowest score dropped first)
 * @param staleAfter a key whose newest bucket is this far behind the newest bucket of any key shows "no data"
 * @param budget the job's labelling budget per window (active.budget), for the progress bar
 * @param budgetWindow the job's budget window (active.window)
 * @param maxBodyBytes larger label requests are refused (413)
 */
public record ConsoleSettings(
        String bootstrapServers,
        String host,
        int port,
        String token,
        Topics topics,
        Properties clientProperties,
        int pointsPerKey,
        int maxKeys,
        int maxAlerts,
        int maxRequests,
        Duration staleAfter,
        int budget,
        Duration budgetWindow,
        int maxBodyBytes) {

    /** The topics the console follows and the one it writes. */
    public record Topics(String alerts, String anomalies, String annotationRequests, String labels, String models,
            String modelEvents) {
        public static Topics defaults() {
            return new Topics(JobOptions.TOPIC_ALERTS.defaultValue(), JobOptions.TOPIC_ANOMALIES.defaultValue(),
                    JobOptions.TOPIC_ANNOTATION_REQUESTS.defaultValue(), JobOptions.TOPIC_LABELS.defaultValue(),
                    JobOptions.TOPIC_MODELS.defaultValue(), JobOptions.TOPIC_MODEL_EVENTS.defaultValue());
        }
    }

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_POINTS_PER_KEY = 1000;
    public static final int DEFAULT_MAX_KEYS = 10_000;

    /** Defaults for a broker; the token stays unset (read-only). */
    public static ConsoleSettings defaults(String bootstrapServers) {
        return new ConsoleSettings(bootstrapServers, "127.0.0.1", DEFAULT_PORT, null, Topics.defaults(), new Properties(),
                DEFAULT_POINTS_PER_KEY, DEFAULT_MAX_KEYS, 5_000, 5_000, Duration.ofHours(2),
                JobOptions.ACTIVE_BUDGET.defaultValue(), JobOptions.ACTIVE_WINDOW.defaultValue(), 64 * 1024);
    }

    public ConsoleSettings withPort(int p) {
        return new ConsoleSettings(bootstrapServers, host, p, token, topics, clientProperties, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withHost(String h) {
        return new ConsoleSettings(bootstrapServers, h, port, token, topics, clientProperties, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withToken(String t) {
        return new ConsoleSettings(bootstrapServers, host, port, t == null || t.isBlank() ? null : t.strip(), topics,
                clientProperties, pointsPerKey, maxKeys, maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withTopics(Topics t) {
        return new ConsoleSettings(bootstrapServers, host, port, token, t, clientProperties, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withClientProperties(Properties p) {
        return new ConsoleSettings(bootstrapServers, host, port, token, topics, p, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withBounds(int points, int keys) {
        return new ConsoleSettings(bootstrapServers, host, port, token, topics, clientProperties, points, keys,
                maxAlerts, maxRequests, staleAfter, budget, budgetWindow, maxBodyBytes);
    }

    public ConsoleSettings withBudget(int b, Duration window) {
        return new ConsoleSettings(bootstrapServers, host, port, token, topics, clientProperties, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, staleAfter, b, window, maxBodyBytes);
    }

    public ConsoleSettings withStaleAfter(Duration d) {
        return new ConsoleSettings(bootstrapServers, host, port, token, topics, clientProperties, pointsPerKey, maxKeys,
                maxAlerts, maxRequests, d, budget, budgetWindow, maxBodyBytes);
    }

    public boolean readOnly() {
        return token == null;
    }
}
