package io.flowpulse.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Checkpoint statistics of a job from the local cluster's REST API
 * ({@code GET /jobs/:id/checkpoints}): completed count, end-to-end duration p50 and max, largest
 * full state size. Polled while the job runs and once after it finished (the cluster keeps the
 * finished job's statistics).
 */
final class CheckpointStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String jobId;

    volatile long completed;
    volatile double durationP50Millis = Double.NaN;
    volatile double durationMaxMillis = Double.NaN;
    volatile double stateMaxBytes = Double.NaN;
    volatile double checkpointedMaxBytes = Double.NaN;

    CheckpointStats(String baseUrl, String jobId) {
        this.baseUrl = baseUrl;
        this.jobId = jobId;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": HTTP " + r.statusCode());
        }
        return JSON.readTree(r.body());
    }

    /** Reads the statistics once; keeps the previous figures when the REST call fails. */
    boolean refresh() {
        try {
            JsonNode n = get("/jobs/" + jobId + "/checkpoints");
            long c = n.path("counts").path("completed").asLong(0);
            if (c < completed) {
                return false;
            }
            completed = c;
            if (c > 0) {
                JsonNode s = n.path("summary");
                durationP50Millis = s.path("end_to_end_duration").path("p50").asDouble(Double.NaN);
                durationMaxMillis = s.path("end_to_end_duration").path("max").asDouble(Double.NaN);
                stateMaxBytes = s.path("state_size").path("max").asDouble(Double.NaN);
                checkpointedMaxBytes = s.path("checkpointed_size").path("max").asDouble(Double.NaN);
            }
            return true;
        } catch (Exception e) {
            return false; // not reachable yet, or the job just moved to the archive: keep the last figures
        }
    }

    /** True when every vertex of the job is RUNNING (deployed and started) or already FINISHED (e.g. the one-record models source). */
    boolean allRunning() {
        try {
            JsonNode n = get("/jobs/" + jobId);
            JsonNode vs = n.path("vertices");
            if (!vs.isArray() || vs.isEmpty()) {
                return false;
            }
            for (JsonNode v : vs) {
                String status = v.path("status").asText();
                if (!status.equals("RUNNING") && !status.equals("FINISHED")) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
