package io.flowpulse.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few read-only calls of Flink's REST API that the failure tests poll: completed checkpoints,
 * restarts, task managers. Plain HTTP and a regex over the JSON, no client library.
 */
public final class FlinkRest {
    private static final Pattern COMPLETED = Pattern.compile("\"counts\"\\s*:\\s*\\{[^}]*\"completed\"\\s*:\\s*(\\d+)");
    private static final Pattern RESTORED = Pattern.compile("\"counts\"\\s*:\\s*\\{[^}]*\"restored\"\\s*:\\s*(\\d+)");
    private static final Pattern METRIC_VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern TASK_MANAGER = Pattern.compile(
            "\\{\"id\"\\s*:\\s*\"([^\"]+)\"[^{}]*?\"slotsNumber\"\\s*:\\s*(\\d+)\\s*,\\s*\"freeSlots\"\\s*:\\s*(\\d+)");
    private static final Pattern JOB_STATE = Pattern.compile("\"state\"\\s*:\\s*\"([A-Z_]+)\"");

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code baseUrl} like http://127.0.0.1:8081. */
    public FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " -> " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** Completed checkpoints of the job (restored ones not counted twice). */
    public long completedCheckpoints(String jobId) throws IOException, InterruptedException {
        Matcher m = COMPLETED.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** How often the job was restored from a checkpoint (after a failover). */
    public long restoredCheckpoints(String jobId) throws IOException, InterruptedException {
        Matcher m = RESTORED.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The job's numRestarts metric (may lag: the REST metric fetcher refreshes every few seconds) (failovers since submission). */
    public long restarts(String jobId) throws IOException, InterruptedException {
        Matcher m = METRIC_VALUE.matcher(get("/jobs/" + jobId + "/metrics?get=numRestarts"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** RUNNING, RESTARTING, ... */
    public String jobState(String jobId) throws IOException, InterruptedException {
        Matcher m = JOB_STATE.matcher(get("/jobs/" + jobId));
        return m.find() ? m.group(1) : "UNKNOWN";
    }

    /** A registered task manager: its resource id and slots. */
    public record TaskManager(String id, int slots, int freeSlots) {}

    public List<TaskManager> taskManagers() throws IOException, InterruptedException {
        List<TaskManager> out = new ArrayList<>();
        Matcher m = TASK_MANAGER.matcher(get("/taskmanagers"));
        while (m.find()) {
            out.add(new TaskManager(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        }
        return out;
    }
}
