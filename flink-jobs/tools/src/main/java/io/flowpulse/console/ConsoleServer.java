package io.flowpulse.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: a Javalin server with a JSON API over {@link ConsoleState}, a live feed of
 * server-sent events, the page ({@code /}, static files bundled in the jar) and the uPlot chart
 * library from its WebJar (no CDN). Reads are open; writing a label needs the configured token
 * (no token: read-only, and the page says so).
 */
public final class ConsoleServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    static final String WEB = "/io/flowpulse/console/web";
    static final Pattern LABEL = Pattern.compile("[\\p{L}\\p{N} _.:/+\\-]{1,64}");
    static final int MAX_ANNOTATOR = 64;

    private final ConsoleSettings settings;
    private final ConsoleState state;
    private final EventHub events;
    private final TopicFollower follower;
    private final LabelWriter labels;
    private final ObjectMapper json = new ObjectMapper();
    private final Javalin app;

    private ConsoleServer(ConsoleSettings settings) {
        this.settings = settings;
        this.state = new ConsoleState(settings);
        this.events = new EventHub(json, state, 250);
        this.follower = new TopicFollower(settings, state, events);
        this.labels = new LabelWriter(settings);
        byte[] uplotJs = webjar("dist/uPlot.iife.min.js");
        byte[] uplotCss = webjar("dist/uPlot.min.css");
        this.app = Javalin.create(config -> {
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jsonMapper(new JavalinJackson(json, false));
            config.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = WEB;
                s.location = Location.CLASSPATH;
            });
            config.routes.get("/vendor/uPlot.js", ctx -> ctx.contentType("text/javascript").result(uplotJs));
            config.routes.get("/vendor/uPlot.css", ctx -> ctx.contentType("text/css").result(uplotCss));
            config.routes.get("/api/info", this::info);
            config.routes.get("/api/summary", ctx -> ctx.json(state.summary()));
            config.routes.get("/api/ports", ctx -> ctx.json(state.ports(ctx.queryParam("filter"), ctx.queryParam("state"),
                    ctx.queryParam("sort"), "desc".equals(ctx.queryParam("dir")), intParam(ctx, "page", 0), intParam(ctx, "size", 50))));
            config.routes.get("/api/series", this::series);
            config.routes.get("/api/alerts", ctx -> {
                String open = ctx.queryParam("open");
                Boolean o = open == null || open.equals("all") ? null : Boolean.valueOf(open);
                ctx.json(state.alerts(o, intParam(ctx, "page", 0), intParam(ctx, "size", 50)));
            });
            config.routes.get("/api/queue", ctx -> ctx.json(state.queue(intParam(ctx, "page", 0), intParam(ctx, "size", 20))));
            config.routes.post("/api/labels", this::label);
            config.routes.post("/api/skips", this::skip);
            config.routes.get("/api/models", ctx -> ctx.json(state.models()));
            config.routes.sse("/api/events", events::add);
            config.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
        });
    }

    /** Starts the server and the topic reader; {@link #port()} tells the bound port. */
    public static ConsoleServer start(ConsoleSettings settings) {
        ConsoleServer s = new ConsoleServer(settings);
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.events.close();
            s.labels.close();
            throw e;
        }
        s.follower.start();
        LOG.info("console on {} ({})", s.url(), settings.readOnly() ? "read-only" : "labels writable with the token");
        return s;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String host = settings.host().equals("0.0.0.0") ? "127.0.0.1" : settings.host();
        return "http://" + host + ":" + port() + "/";
    }

    public ConsoleState state() {
        return state;
    }

    long eventsSent() {
        return events.sentEvents();
    }

    int liveClients() {
        return events.clients();
    }

    // ------------------------------------------------------------------ handlers

    private void info(Context ctx) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readOnly", settings.readOnly());
        m.put("bootstrapServers", settings.bootstrapServers());
        m.put("topics", settings.topics());
        m.put("budget", settings.budget());
        m.put("budgetWindowMillis", settings.budgetWindow().toMillis());
        m.put("pointsPerKey", settings.pointsPerKey());
        m.put("maxKeys", settings.maxKeys());
        m.put("maxBodyBytes", settings.maxBodyBytes());
        ctx.json(m);
    }

    private void series(Context ctx) {
        String key = ctx.queryParam("key");
        if (key == null || key.isBlank()) {
            throw new BadRequest(400, "key is required (device|port|DIRECTION)");
        }
        long from = longParam(ctx, "from", Long.MIN_VALUE);
        long to = longParam(ctx, "to", Long.MAX_VALUE);
        var view = state.series(key, from, to);
        if (view == null) {
            throw new BadRequest(404, "unknown port key: " + key);
        }
        ctx.json(view);
    }

    private void label(Context ctx) throws Exception {
        JsonNode body = writableBody(ctx);
        String requestId = text(body, "requestId", 200);
        String label = text(body, "label", 64);
        String annotator = text(body, "annotator", MAX_ANNOTATOR);
        if (!LABEL.matcher(label).matches()) {
            throw new BadRequest(400, "label must be 1-64 letters, digits, spaces or _.:/+-");
        }
        AnnotationRequest r = state.pendingRequest(requestId);
        if (r == null) {
            throw new BadRequest(state.wasLabelled(requestId) ? 409 : 404, state.wasLabelled(requestId)
                    ? "request " + requestId + " is already labelled" : "unknown or no longer pending request: " + requestId);
        }
        long now = System.currentTimeMillis();
        Annotation a = Annotation.newBuilder().setRequestId(requestId).setKey(r.getKey())
                .setFlowStartMicros(r.getFlowStartMicros()).setFeatures(r.getFeatures()).setLabel(label)
                .setAnnotator(annotator).setAnnotatedMillis(now).build();
        RecordMetadata md;
        try {
            md = labels.write(a);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new BadRequest(503, "could not write to " + labels.topic() + ": " + e.getMessage());
        }
        state.onLabel(a); // the queue drops it now; the follower's copy from the topic is idempotent for the view
        events.queueChanged();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requestId", requestId);
        m.put("label", label);
        m.put("annotator", annotator);
        m.put("topic", md.topic());
        m.put("partition", md.partition());
        m.put("offset", md.offset());
        ctx.status(201).json(m);
    }

    private void skip(Context ctx) throws Exception {
        JsonNode body = writableBody(ctx);
        String requestId = text(body, "requestId", 200);
        text(body, "annotator", MAX_ANNOTATOR);
        if (!state.skip(requestId)) {
            throw new BadRequest(404, "unknown or no longer pending request: " + requestId);
        }
        events.queueChanged();
        ctx.status(200).json(Map.of("requestId", requestId, "skipped", true));
    }

    /** Checks size and token before reading anything else; returns the parsed JSON body. */
    private JsonNode writableBody(Context ctx) {
        long declared = ctx.contentLength();
        if (declared > settings.maxBodyBytes()) {
            throw new BadRequest(413, "body of " + declared + " bytes exceeds " + settings.maxBodyBytes());
        }
        if (settings.readOnly()) {
            throw new BadRequest(403, "read-only console: started without a token, labels cannot be written");
        }
        String given = ctx.header("X-Flowpulse-Token");
        String auth = ctx.header("Authorization");
        if (given == null && auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring("Bearer ".length()).strip();
        }
        if (given == null || given.isEmpty()) {
            throw new BadRequest(401, "a token is required to write labels (header X-Flowpulse-Token)");
        }
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), settings.token().getBytes(StandardCharsets.UTF_8))) {
            throw new BadRequest(403, "wrong token");
        }
        byte[] bytes;
        try {
            bytes = ctx.bodyAsBytes();
        } catch (RuntimeException e) {
            throw new BadRequest(413, "body exceeds " + settings.maxBodyBytes() + " bytes");
        }
        if (bytes.length > settings.maxBodyBytes()) {
            throw new BadRequest(413, "body of " + bytes.length + " bytes exceeds " + settings.maxBodyBytes());
        }
        try {
            JsonNode n = json.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new BadRequest(400, "body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadRequest(400, "body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode body, String field, int maxLength) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new BadRequest(400, field + " is required");
        }
        String s = v.asText().strip();
        if (s.length() > maxLength) {
            throw new BadRequest(400, field + " is longer than " + maxLength + " characters");
        }
        return s;
    }

    private static int intParam(Context ctx, String name, int def) {
        String v = ctx.queryParam(name);
        try {
            return v == null || v.isEmpty() ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, name + " must be an integer");
        }
    }

    private static long longParam(Context ctx, String name, long def) {
        String v = ctx.queryParam(name);
        try {
            return v == null || v.isEmpty() ? def : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, name + " must be an integer (epoch millis)");
        }
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).json(Map.of("error", message, "status", status));
    }

    /** A file of the uPlot WebJar on the classpath (the version from the WebJar's own pom.properties). */
    static byte[] webjar(String file) {
        ClassLoader cl = ConsoleServer.class.getClassLoader();
        try (InputStream props = cl.getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (props == null) {
                throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is not on the classpath");
            }
            Properties p = new Properties();
            p.load(props);
            String path = "META-INF/resources/webjars/uplot/" + p.getProperty("version") + "/" + file;
            try (InputStream in = cl.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + path);
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the uPlot WebJar", e);
        }
    }

    /** An answer other than 200, with a one-line reason. */
    static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void close() {
        try {
            follower.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
        app.stop();
        labels.close();
    }
}
