package io.flowpulse.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.jobs.FlowpulseJob;
import io.flowpulse.local.TopicReader;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.ml.classify.FeatureSchema;
import io.flowpulse.ml.classify.ModelTraining;
import io.flowpulse.ml.classify.PriorModel;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.sim.SimulatorParams;
import io.flowpulse.sim.TrafficSimulator;
import io.flowpulse.testing.EmbeddedKafkaExtension;
import io.flowpulse.testing.TestClusters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console end to end: the embedded broker, the real job on a MiniCluster over simulated
 * traffic (ports with injected anomalies, flows scored by a signed model, one unsigned update that
 * the job rejects), the console, and Debian's chromium driven through chromedriver. The page shows
 * alerts and a port chart with data, an analyst labels one request through the page and the label
 * arrives on the {@code labels} topic. Skipped (with the reason) where no browser is installed.
 * Screenshots go to target/console-screenshots (and to -Dflowpulse.console.screenshots=DIR).
 */
class ConsoleBrowserITCase {
    static final Path CHROMIUM = Path.of(System.getProperty("flowpulse.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("flowpulse.chromedriver", "/usr/bin/chromedriver"));
    static final byte[] KEY = "console-itcase-model-key".getBytes(StandardCharsets.UTF_8);
    static final String TOKEN = "console-itcase-token";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.miniCluster();

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static Configuration jobConf;
    static ConsoleServer console;

    @BeforeAll
    static void runTheJobAndStartTheConsole() throws Exception {
        String bootstrap = KAFKA.cluster().bootstrapServers();
        Path keyFile = Files.createTempFile("console-itcase", ".key");
        keyFile.toFile().deleteOnExit();
        Files.write(keyFile, KEY);
        Map<String, String> m = new HashMap<>();
        m.put(JobOptions.BOOTSTRAP_SERVERS.key(), bootstrap);
        m.put(JobOptions.GROUP_ID.key(), "console-itcase");
        m.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        m.put(JobOptions.BOUNDED.key(), "true");
        m.put(JobOptions.IDLENESS.key(), "30 s");
        m.put(JobOptions.MODELS_SIGNING_KEY_FILE.key(), keyFile.toString());
        jobConf = Configuration.fromMap(m);
        List<String> topics = new ArrayList<>();
        for (var o : JobOptions.all()) {
            if (o.key().startsWith("topics.")) {
                topics.add(String.valueOf(o.defaultValue()));
            }
        }
        KAFKA.cluster().createTopics(2, topics, Set.of(jobConf.get(JobOptions.TOPIC_MODELS)));

        // the console first: it follows the topics while the job fills them
        console = ConsoleServer.start(ConsoleSettings.defaults(bootstrap).withPort(0).withToken(TOKEN));

        try (TopicWriter w = new TopicWriter(bootstrap)) {
            TrafficSimulator sim = new TrafficSimulator(new SimulatorParams().withSeed(7)
                    .withPacketDuration(Duration.ofSeconds(15)).withFlowsPerSecond(30).withPortDuration(Duration.ofDays(5)));
            FlowKeySelector keys = new FlowKeySelector();
            sim.generatePackets(p -> w.send(jobConf.get(JobOptions.TOPIC_PACKETS), keys.getKey(p), p.getTimestampMicros() / 1000,
                    Codecs.PACKET_EVENT, p));
            sim.generatePortSamples(s -> w.send(jobConf.get(JobOptions.TOPIC_PORT_SAMPLES),
                    s.getDevice() + "|" + s.getPort() + "|" + s.getDirection(), s.getTimestampMillis(), Codecs.PORT_SAMPLE, s));
            PriorModel model = new PriorModel(new FeatureSchema(List.of("bidirectional_packets"), 1), List.of("short", "long"),
                    0, 8.0, new double[] {0.8, 0.2}, new double[] {0.25, 0.75});
            ModelUpdate v1 = ModelTraining.signed(model, "flow-size", 1, System.currentTimeMillis(), Map.of("macro_f1", 0.71), KEY);
            ModelUpdate forged = ModelUpdate.newBuilder(ModelTraining.signed(model, "flow-size", 2, System.currentTimeMillis(),
                    Map.of("macro_f1", 0.99), "not-the-signing-key-of-the-job".getBytes(StandardCharsets.UTF_8))).build();
            w.send(jobConf.get(JobOptions.TOPIC_MODELS), "flow-size", v1.getCreatedMillis(), Codecs.MODEL_UPDATE, v1);
            w.send(jobConf.get(JobOptions.TOPIC_MODELS), "flow-size", forged.getCreatedMillis(), Codecs.MODEL_UPDATE, forged);
            w.flush();
        }
        Configuration envConf = new Configuration();
        envConf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(envConf);
        env.setParallelism(2);
        JobClient job = FlowpulseJob.start(env, jobConf);
        job.getJobExecutionResult().get(); // bounded: reads what was published, then finishes
    }

    @AfterAll
    static void stopTheConsole() {
        if (console != null) {
            console.close();
        }
    }

    @Test
    void thePageShowsAlertsAndAPortChartAndLabelsARequestOntoTheLabelsTopic() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser installed (" + CHROMIUM + ", " + CHROMEDRIVER + "): apt-get install chromium chromium-driver");
        await(() -> console.state().summary().openAlerts() + console.state().alerts(null, 0, 1).held() > 0
                && console.state().summary().pendingRequests() > 0, Duration.ofSeconds(60), "alerts and requests reach the console");
        Path shots = Path.of("target/console-screenshots");
        Files.createDirectories(shots);
        WebDriver browser = startBrowser();
        try {
            // alerts: the list renders rows from the alerts topic
            browser.get(console.url() + "#alerts");
            List<WebElement> alerts = awaitElements(browser, By.cssSelector("#alerts-table tbody tr[data-alert]"), 1);
            assertTrue(alerts.get(0).getText().contains("|"), "an alert row names its port key: " + alerts.get(0).getText());

            // live: an episode that opens and escalates now appears without a page reload
            String key = alerts.get(0).getAttribute("data-key");
            long last = console.state().series(key, Long.MIN_VALUE, Long.MAX_VALUE).series().t.length == 0 ? 0
                    : console.state().ports(key, null, "key", false, 0, 1).items().get(0).lastBucketMillis();
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("window.__notReloaded = true");
            String[] parts = key.split("\\|");
            try (TopicWriter w = new TopicWriter(KAFKA.cluster().bootstrapServers())) {
                for (io.flowpulse.records.AlertState st : new io.flowpulse.records.AlertState[] {
                        io.flowpulse.records.AlertState.OPEN, io.flowpulse.records.AlertState.ESCALATED}) {
                    boolean escalated = st == io.flowpulse.records.AlertState.ESCALATED;
                    w.send(jobConf.get(JobOptions.TOPIC_ALERTS), key, last, Codecs.ALERT, io.flowpulse.records.Alert.newBuilder()
                            .setAlertId(key + "@live").setDevice(parts[0]).setPort(parts[1])
                            .setDirection(io.flowpulse.records.Direction.valueOf(parts[2]))
                            .setSeverity(escalated ? io.flowpulse.records.Severity.CRITICAL : io.flowpulse.records.Severity.WARNING)
                            .setState(st).setFirstBucketMillis(last - (escalated ? 3 : 0) * 1_800_000L).setLastBucketMillis(last)
                            .setCount(escalated ? 4 : 1).setPeakScore(12.5).setModelId("holt-winters").build());
                    w.flush();
                }
            }
            WebElement live = await(() -> {
                List<WebElement> rows = browser.findElements(By.cssSelector("#alerts-table tbody tr[data-alert='" + key + "@live']"));
                return rows.isEmpty() || !rows.get(0).getText().contains("escalated") ? null : rows.get(0);
            }, Duration.ofSeconds(30), "the escalated episode shown live");
            assertTrue(live.getText().contains("critical"), live.getText());
            assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return window.__notReloaded"),
                    "the page was updated in place, not reloaded");
            screenshot(browser, shots, "console-alerts.png");

            // ports list, then the chart of the port of the first alert
            browser.get(console.url() + "#ports");
            awaitElements(browser, By.cssSelector("#ports-table tbody tr[data-key]"), 1);
            screenshot(browser, shots, "console-ports.png");
            browser.get(console.url() + "#alerts");
            // a detector's episode (not a port's "no data" signal, which has no flagged points, nor the live one above)
            WebElement detectorAlert = awaitElements(browser, By.cssSelector("#alerts-table tbody tr[data-alert]"), 1).stream()
                    .filter(r -> !r.getText().contains("no-data") && !r.getAttribute("data-alert").endsWith("@live"))
                    .findFirst().orElseThrow(() -> new AssertionError("no detector alert in the list"));
            detectorAlert.click();
            WebElement chart = await(() -> {
                List<WebElement> c = browser.findElements(By.cssSelector("#port-chart[data-points]"));
                return c.isEmpty() || Integer.parseInt(c.get(0).getAttribute("data-points")) == 0 ? null : c.get(0);
            }, Duration.ofSeconds(30), "the port chart has points");
            assertTrue(Integer.parseInt(chart.getAttribute("data-flagged")) > 0, "the chart marks flagged points");
            assertEquals(1, chart.findElements(By.cssSelector("canvas")).size(), "uPlot drew its canvas");
            assertTrue(browser.findElements(By.cssSelector("#episodes-table tbody tr")).size() >= 1, "episodes listed");
            screenshot(browser, shots, "console-port.png");

            // models: the serving version and the rejected forgery with its reason
            browser.get(console.url() + "#models");
            WebElement models = awaitElements(browser, By.cssSelector("#models-list [data-model]"), 1).get(0);
            assertTrue(models.getText().contains("serving v1"), models.getText());
            await(() -> browser.findElement(By.cssSelector("#rejected-table")).getText().contains("flow-size") ? true : null,
                    Duration.ofSeconds(20), "the rejected update is listed");
            screenshot(browser, shots, "console-models.png");

            // the queue: an analyst labels the first request through the page
            browser.get(console.url() + "#queue");
            WebElement card = awaitElements(browser, By.cssSelector("#queue-list .request[data-request]"), 1).get(0);
            String requestId = card.getAttribute("data-request");
            browser.findElement(By.id("analyst")).sendKeys("Ada Analyst");
            browser.findElement(By.id("token")).sendKeys(TOKEN);
            screenshot(browser, shots, "console-queue.png");
            WebElement button = card.findElement(By.cssSelector("button.label-btn[data-label='long']"));
            button.click();
            WebElement saved = await(() -> {
                WebElement msg = browser.findElement(By.id("queue-message"));
                return msg.isDisplayed() && !msg.getText().isEmpty() ? msg : null;
            }, Duration.ofSeconds(30), "the page answers the click");
            assertTrue(saved.getAttribute("class").contains("ok"), saved.getText());
            assertTrue(saved.getText().contains(requestId), saved.getText());

            try (TopicReader<Annotation> labels = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                    jobConf.get(JobOptions.TOPIC_LABELS), Codecs.ANNOTATION)) {
                List<Annotation> got = labels.pollUntil(l -> !l.isEmpty(), Duration.ofSeconds(30));
                assertEquals(1, got.size(), "one label on the topic");
                Annotation a = got.get(0);
                assertEquals(requestId, a.getRequestId());
                assertEquals("long", a.getLabel());
                assertEquals("Ada Analyst", a.getAnnotator());
                assertTrue(a.getFeatures().containsKey("bidirectional_packets"), "the flow's features travel with the label");
            }
            await(() -> browser.findElement(By.id("recent-labels")).getText().contains("Ada Analyst") ? true : null,
                    Duration.ofSeconds(20), "the label comes back from the topic into the page");
            assertTrue(browser.findElements(By.cssSelector("#queue-list .request[data-request='" + requestId + "']")).isEmpty(),
                    "the labelled request left the queue");
        } finally {
            browser.quit();
        }
    }

    @Test
    void badWritesGetAClear4xxAndWriteNothing() throws Exception {
        await(() -> console.state().summary().pendingRequests() > 0 ? true : null, Duration.ofSeconds(60), "requests");
        String pendingId = console.state().queue(0, 1).page().items().get(0).requestId();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String ok = "{\"requestId\":\"" + pendingId + "\",\"label\":\"short\",\"annotator\":\"eve\"}";
        assertEquals(401, post(http, console, ok, null).statusCode(), "missing token");
        assertEquals(403, post(http, console, ok, "wrong").statusCode(), "wrong token");
        HttpResponse<String> unknown = post(http, console, "{\"requestId\":\"no-such-request\",\"label\":\"short\",\"annotator\":\"eve\"}", TOKEN);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no-such-request"), unknown.body());
        assertEquals(413, post(http, console, "{\"pad\":\"" + "x".repeat(200_000) + "\"}", TOKEN).statusCode(), "oversize body");
        assertEquals(400, post(http, console, "{not json", TOKEN).statusCode());
        assertEquals(400, post(http, console, "{\"requestId\":\"" + pendingId + "\",\"label\":\"<script>\",\"annotator\":\"eve\"}", TOKEN)
                .statusCode(), "a label outside the allowed characters");
        try (ConsoleServer readOnly = ConsoleServer.start(ConsoleSettings.defaults(KAFKA.cluster().bootstrapServers()).withPort(0))) {
            HttpResponse<String> r = post(http, readOnly, ok, TOKEN);
            assertEquals(403, r.statusCode());
            assertTrue(r.body().contains("read-only"), r.body());
        }
        assertTrue(console.state().pendingRequest(pendingId) != null, "the request is still pending");
        try (TopicReader<Annotation> labels = new TopicReader<>(KAFKA.cluster().bootstrapServers(),
                jobConf.get(JobOptions.TOPIC_LABELS), Codecs.ANNOTATION)) {
            labels.drainToEnd(Duration.ofSeconds(20));
            assertTrue(labels.records().stream().noneMatch(a -> a.getAnnotator().equals("eve")), "nothing written by the bad requests");
        }
    }

    static HttpResponse<String> post(HttpClient http, ConsoleServer server, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "api/labels"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("X-Flowpulse-Token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static WebDriver startBrowser() throws Exception {
        Path profile = Files.createTempDirectory("console-itcase-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--window-size=1400,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    static void screenshot(WebDriver browser, Path dir, String name) throws Exception {
        Thread.sleep(300); // let the last render settle
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(dir.resolve(name), png);
        String extra = System.getProperty("flowpulse.console.screenshots");
        if (extra != null && !extra.isBlank()) {
            Files.createDirectories(Path.of(extra));
            Files.write(Path.of(extra).resolve(name), png);
        }
    }

    static List<WebElement> awaitElements(WebDriver browser, By by, int atLeast) throws InterruptedException {
        return await(() -> {
            List<WebElement> found = browser.findElements(by);
            return found.size() >= atLeast ? found : null;
        }, Duration.ofSeconds(30), by + " on the page");
    }

    /** Polls until {@code probe} gives a non-null, non-false value, or fails after the deadline. */
    static <T> T await(Supplier<T> probe, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                T v = probe.get();
                if (v != null && !Boolean.FALSE.equals(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e; // e.g. a stale element while the page re-renders
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : " (last error: " + last + ")"));
    }
}
