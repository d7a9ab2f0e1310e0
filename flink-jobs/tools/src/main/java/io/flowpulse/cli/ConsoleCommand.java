package io.flowpulse.cli;

import io.flowpulse.console.ConsoleServer;
import io.flowpulse.console.ConsoleSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./flowpulse console}: the web console over the job's topics (ports with their bands,
 * alerts live, the annotation queue, models) until Ctrl-C.
 */
@Command(name = "console", description = "web console: port bands, live alerts, annotation queue (labels to Kafka), models",
        footer = {"", "Topics: the job's defaults (alerts, anomalies, annotation-requests, labels, models, model-events)."})
public final class ConsoleCommand implements Callable<Integer> {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", defaultValue = "localhost:9092",
            description = "Kafka with the job's topics (default ${DEFAULT-VALUE})")
    String bootstrapServers;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + ConsoleSettings.DEFAULT_PORT,
            description = "HTTP port (default ${DEFAULT-VALUE}; 0 = any free port)")
    int port;

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "address to bind (default ${DEFAULT-VALUE}; 0.0.0.0 to serve other machines)")
    String host;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "token analysts must give to write labels (else env FLOWPULSE_CONSOLE_TOKEN); without a token the console is read-only")
    Path tokenFile;

    @Option(names = "--client-properties", paramLabel = "FILE", description = "Kafka client properties (security.protocol, sasl.*, ...)")
    Path clientProperties;

    @Option(names = "--points-per-key", paramLabel = "N", defaultValue = "" + ConsoleSettings.DEFAULT_POINTS_PER_KEY,
            description = "recent points kept per port key (default ${DEFAULT-VALUE})")
    int pointsPerKey;

    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "" + ConsoleSettings.DEFAULT_MAX_KEYS,
            description = "port keys kept (default ${DEFAULT-VALUE}; points of further keys are counted, not kept)")
    int maxKeys;

    @Option(names = "--budget", paramLabel = "N", defaultValue = "100", description = "the job's active.budget, for the progress bar (default ${DEFAULT-VALUE})")
    int budget;

    @Option(names = "--budget-window", paramLabel = "DURATION", defaultValue = "10m", description = "the job's active.window (default ${DEFAULT-VALUE})")
    Duration budgetWindow;

    @Option(names = "--stale-after", paramLabel = "DURATION", defaultValue = "2h",
            description = "a key this far behind the newest bucket of any key shows 'no data' (event time; default ${DEFAULT-VALUE})")
    Duration staleAfter;

    @Override
    public Integer call() throws Exception {
        ConsoleSettings s = settings();
        ConsoleServer server;
        try {
            server = ConsoleServer.start(s);
        } catch (RuntimeException e) {
            throw UserError.input("cannot start on " + s.host() + ":" + s.port() + ": " + rootMessage(e), e);
        }
        try (server) {
            System.out.println("flowpulse | console: " + server.url() + "   (Kafka " + s.bootstrapServers() + ", "
                    + (s.readOnly() ? "read-only: no token configured" : "labels writable with the token") + "); Ctrl-C to stop");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            Thread.currentThread().join();
        }
        return 0;
    }

    /** The settings from the options. */
    ConsoleSettings settings() throws IOException {
        if (pointsPerKey < 1 || maxKeys < 1 || port < 0 || budget < 0) {
            throw UserError.usage("--points-per-key and --max-keys must be at least 1, --port and --budget not negative");
        }
        ConsoleSettings s = ConsoleSettings.defaults(bootstrapServers).withPort(port).withHost(host)
                .withBounds(pointsPerKey, maxKeys).withBudget(budget, budgetWindow).withStaleAfter(staleAfter);
        if (tokenFile != null) {
            s = s.withToken(Files.readString(InputFiles.existingFile(tokenFile, "--token-file"), StandardCharsets.UTF_8));
        } else {
            s = s.withToken(System.getenv("FLOWPULSE_CONSOLE_TOKEN"));
        }
        if (clientProperties != null) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(InputFiles.existingFile(clientProperties, "--client-properties"))) {
                p.load(r);
            }
            s = s.withClientProperties(p);
        }
        return s;
    }

    /** The demo's console: default settings on the demo's broker, token from FLOWPULSE_CONSOLE_TOKEN (else read-only). */
    static ConsoleServer startForDemo(String bootstrap, int port) {
        ConsoleSettings settings = ConsoleSettings.defaults(bootstrap).withPort(port).withToken(System.getenv("FLOWPULSE_CONSOLE_TOKEN"));
        ConsoleServer server;
        try {
            server = ConsoleServer.start(settings);
        } catch (RuntimeException e) { // the port is taken: the demo goes on with the console on a free one
            DemoCommand.say("web console: port " + port + " is not free (" + rootMessage(e) + "), using any free port");
            server = ConsoleServer.start(settings.withPort(0));
        }
        DemoCommand.say("web console: " + server.url() + (settings.readOnly()
                ? "   (read-only; set FLOWPULSE_CONSOLE_TOKEN to label flows there)" : "   (labels need the token of FLOWPULSE_CONSOLE_TOKEN)"));
        return server;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
