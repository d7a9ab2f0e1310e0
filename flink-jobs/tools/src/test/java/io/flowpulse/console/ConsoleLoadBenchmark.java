package io.flowpulse.console;

import io.flowpulse.local.EmbeddedKafkaCluster;
import io.flowpulse.local.TopicWriter;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Direction;
import io.flowpulse.records.Severity;
import io.flowpulse.records.codec.Codecs;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * Load benchmark of the console (issue 15's target: 1,000 port keys and 100 alert updates/s with
 * the page still responsive). Not run by verify (the name matches neither *Test nor *ITCase):
 * <pre>./mvnw -B -ntp -pl flink-jobs/tools -am -Dtest=ConsoleLoadBenchmark -Dsurefire.failIfNoSpecifiedTests=false verify</pre>
 * Options: -Dbench.keys=1000 -Dbench.history=300 -Dbench.alertsPerSecond=100 -Dbench.seconds=30.
 * The embedded broker gets {@code keys x history} points up front; then a feeder writes, every
 * second, one new point per key and the alert updates, while (a) an HTTP client times the API calls
 * the page makes and (b) headless chromium shows the alerts view, the ports list and a live port
 * chart, with an event-loop lag probe (a 50 ms timer: how late it fires) as the page's responsiveness.
 * Prints one result block; figures go to BENCHMARKS.md.
 */
class ConsoleLoadBenchmark {
    static final int KEYS = Integer.getInteger("bench.keys", 1000);
    static final int HISTORY = Integer.getInteger("bench.history", 300);
    static final int ALERTS_PER_SECOND = Integer.getInteger("bench.alertsPerSecond", 100);
    static final int SECONDS = Integer.getInteger("bench.seconds", 30);
    static final long BUCKET = 300_000L;

    static String device(int k) {
        return "bench-" + (k / 48);
    }

    static String port(int k) {
        return "xe-0/0/" + (k % 48 / 2);
    }

    static Direction direction(int k) {
        return k % 2 == 0 ? Direction.IN : Direction.OUT;
    }

    static AnomalyScore point(int k, long bucket, boolean anomalous) {
        double v = 1e8 + 5e7 * Math.sin(bucket / 12.0 + k);
        return AnomalyScore.newBuilder().setDevice(device(k)).setPort(port(k)).setDirection(direction(k))
                .setBucketEndMillis(bucket * BUCKET).setValue(anomalous ? v * 2 : v).setExpected(v).setLower(v * 0.8).setUpper(v * 1.2)
                .setScore(anomalous ? 8 : 1).setAnomalous(anomalous).setModelId("holt-winters").setModelVersion(1).build();
    }

    @Test
    void thousandKeysAndHundredAlertUpdatesPerSecond() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path driver = Path.of("/usr/bin/chromedriver");
        Assumptions.assumeTrue(Files.isExecutable(chromium) && Files.isExecutable(driver), "no browser installed");
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            ConsoleSettings.Topics t = ConsoleSettings.Topics.defaults();
            kafka.createTopics(2, List.of(t.alerts(), t.anomalies(), t.annotationRequests(), t.labels(), t.models(), t.modelEvents()),
                    Set.of(t.models()));
            long t0 = System.nanoTime();
            try (TopicWriter w = new TopicWriter(kafka.bootstrapServers())) {
                for (long b = 0; b < HISTORY; b++) {
                    for (int k = 0; k < KEYS; k++) {
                        w.send(t.anomalies(), device(k) + "|" + port(k), b * BUCKET, Codecs.ANOMALY_SCORE, point(k, b, (b + k) % 97 == 0));
                    }
                }
                w.flush();
            }
            double preloadSeconds = (System.nanoTime() - t0) / 1e9;
            long records = (long) KEYS * HISTORY;
            try (ConsoleServer console = ConsoleServer.start(ConsoleSettings.defaults(kafka.bootstrapServers()).withPort(0))) {
                long c0 = System.nanoTime();
                ConsoleBrowserITCase.await(() -> console.state().summary().records() >= records ? true : null,
                        Duration.ofMinutes(5), "the console read the preloaded points");
                double catchUpSeconds = (System.nanoTime() - c0) / 1e9;

                AtomicBoolean feeding = new AtomicBoolean(true);
                long[] fed = new long[2];
                Thread feeder = new Thread(() -> feed(kafka.bootstrapServers(), t, feeding, fed), "bench-feeder");
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                Map<String, List<Double>> latencies = Map.of("ports", new ArrayList<>(), "alerts", new ArrayList<>(),
                        "series", new ArrayList<>(), "summary", new ArrayList<>());
                String key = device(7) + "|" + port(7) + "|" + direction(7);
                Map<String, String> urls = Map.of("ports", "api/ports?sort=state&size=50", "alerts", "api/alerts?open=all&size=50",
                        "series", "api/series?key=" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8), "summary", "api/summary");
                WebDriver browser = ConsoleBrowserITCase.startBrowser();
                Map<String, String> pageLag = new java.util.LinkedHashMap<>();
                long eventsAtStart = console.eventsSent();
                try {
                    browser.get(console.url()); // warm-up: the browser's first page load is not measured
                    Thread.sleep(3000);
                    feeder.start();
                    long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
                    String[] views = {"#ports", "#port=" + java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"), "#alerts"};
                    int view = -1;
                    long nextView = 0;
                    while (System.nanoTime() < end) {
                        if (System.nanoTime() >= nextView) {
                            if (view >= 0) {
                                pageLag.put(views[view], lag(browser));
                            }
                            view++;
                            if (view < views.length) {
                                browser.get(console.url() + views[view]);
                                ((JavascriptExecutor) browser).executeScript(LAG_PROBE);
                                nextView = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos() / views.length;
                            } else {
                                nextView = Long.MAX_VALUE;
                            }
                        }
                        for (Map.Entry<String, String> u : urls.entrySet()) {
                            long s = System.nanoTime();
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(console.url() + u.getValue())).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200) {
                                throw new AssertionError(u + " -> " + r.statusCode() + " " + r.body());
                            }
                            latencies.get(u.getKey()).add((System.nanoTime() - s) / 1e6);
                        }
                        Thread.sleep(200);
                    }
                    if (view < views.length) {
                        pageLag.put(views[view], lag(browser));
                    }
                    Object events = ((JavascriptExecutor) browser).executeScript("return window.flowpulseStats.events");
                    feeding.set(false);
                    feeder.join();
                    System.gc();
                    long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
                    StringBuilder out = new StringBuilder();
                    out.append(String.format(Locale.ROOT, "console load benchmark: %d keys x %d points preloaded (%,d records, written in %.1f s, read by the console in %.1f s)%n",
                            KEYS, HISTORY, records, preloadSeconds, catchUpSeconds));
                    out.append(String.format(Locale.ROOT, "live for %d s: %,d points/s (one per key) + %d alert updates/s requested; fed %,d points, %,d alert updates%n",
                            SECONDS, KEYS, ALERTS_PER_SECOND, fed[0], fed[1]));
                    for (String k : List.of("ports", "alerts", "series", "summary")) {
                        out.append(String.format(Locale.ROOT, "  GET %-8s %s%n", k, summary(latencies.get(k))));
                    }
                    out.append(String.format(Locale.ROOT, "  SSE events sent %d (to all pages), received by the page %s%n",
                            console.eventsSent() - eventsAtStart, events));
                    pageLag.forEach((v, lag) -> out.append(String.format(Locale.ROOT, "  page %-40s event-loop lag %s%n", v, lag)));
                    out.append(String.format(Locale.ROOT, "  heap used after GC %d MB (test JVM: broker + console + client); load %s%n",
                            heapMb, loadAverage()));
                    System.out.print(out);
                    Files.writeString(Path.of("target/console-bench.txt"), out.toString());
                } finally {
                    feeding.set(false);
                    browser.quit();
                }
            }
        }
    }

    /** Event-loop lag: a 50 ms timer records how late each tick fires (long tasks show as lag). */
    static final String LAG_PROBE = "window.__lag = []; let __t = performance.now();"
            + " window.__lagTimer = setInterval(() => { const n = performance.now(); window.__lag.push(n - __t - 50); __t = n; }, 50);";

    static String lag(WebDriver browser) {
        @SuppressWarnings("unchecked")
        List<Number> lags = (List<Number>) ((JavascriptExecutor) browser).executeScript("return window.__lag || []");
        List<Double> l = new ArrayList<>();
        for (Number n : lags) {
            l.add(Math.max(0, n.doubleValue()));
        }
        return summary(l);
    }

    static String summary(List<Double> ms) {
        if (ms.isEmpty()) {
            return "n=0";
        }
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format(Locale.ROOT, "n=%d p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", s.size(),
                s.get(s.size() / 2), s.get((int) (s.size() * 0.95)), s.get(Math.min(s.size() - 1, (int) (s.size() * 0.99))), s.get(s.size() - 1));
    }

    static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Every second: one new point per key, and ALERTS_PER_SECOND alert updates spread over the keys. */
    static void feed(String bootstrap, ConsoleSettings.Topics t, AtomicBoolean feeding, long[] fed) {
        try (TopicWriter w = new TopicWriter(bootstrap)) {
            long bucket = HISTORY;
            int next = 0;
            while (feeding.get()) {
                long start = System.nanoTime();
                for (int k = 0; k < KEYS; k++) {
                    w.send(t.anomalies(), device(k) + "|" + port(k), bucket * BUCKET, Codecs.ANOMALY_SCORE, point(k, bucket, (bucket + k) % 97 == 0));
                    fed[0]++;
                }
                for (int i = 0; i < ALERTS_PER_SECOND; i++) {
                    int k = (next++ * 7) % KEYS;
                    AlertState state = AlertState.values()[(int) ((bucket + k) % 3)];
                    Alert a = Alert.newBuilder().setAlertId(device(k) + "|" + port(k) + "|" + direction(k) + "@" + (bucket / 10))
                            .setDevice(device(k)).setPort(port(k)).setDirection(direction(k))
                            .setSeverity(state == AlertState.OPEN ? Severity.WARNING : Severity.CRITICAL).setState(state)
                            .setFirstBucketMillis((bucket / 10 * 10) * BUCKET).setLastBucketMillis(bucket * BUCKET)
                            .setCount((int) (bucket % 10) + 1).setPeakScore(8).setModelId("holt-winters").build();
                    w.send(t.alerts(), a.getAlertId(), bucket * BUCKET, Codecs.ALERT, a);
                    fed[1]++;
                }
                w.flush();
                bucket++;
                long sleep = 1000 - (System.nanoTime() - start) / 1_000_000;
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
