package io.flowpulse.cli;

import io.flowpulse.console.ConsoleServer;
import io.flowpulse.console.ConsoleSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * {@code ./flowpulse console}: the web console over the job's topics (ports with their bands,
 * alerts live, the annotation queue, models) until Ctrl-C.
 */
public final class ConsoleCommand implements Command {
    static final String HELP = String.join("\n",
            "usage: ./flowpulse console [--bootstrap-servers H:P] [--port 8080] [options]",
            "  --bootstrap-servers H:P  Kafka with the job's topics (default localhost:9092)",
            "  --port N                 HTTP port (default 8080; 0 = any free port)",
            "  --host ADDR              address to bind (default 127.0.0.1; 0.0.0.0 to serve other machines)",
            "  --token-file FILE        token analysts must give to write labels (else env FLOWPULSE_CONSOLE_TOKEN);",
            "                           without a token the console is read-only",
            "  --client-properties FILE Kafka client properties (security.protocol, sasl.*, ...)",
            "  --points-per-key N       recent points kept per port key (default " + ConsoleSettings.DEFAULT_POINTS_PER_KEY + ")",
            "  --max-keys N             port keys kept (default " + ConsoleSettings.DEFAULT_MAX_KEYS + "; further keys are counted, not kept)",
            "  --budget N               the job's active.budget, for the progress bar (default 100)",
            "  --budget-window D        the job's active.window (default 10m)",
            "  --stale-after D          a key this far behind the newest bucket shows 'no data' (default 2h, event time)",
            "Topics: the job's defaults (alerts, anomalies, annotation-requests, labels, models, model-events).",
            "");

    @Override
    public String name() {
        return "console";
    }

    @Override
    public String summary() {
        return "web console: port bands, live alerts, annotation queue (labels to Kafka), models";
    }

    @Override
    public int run(String[] args) throws Exception {
        CliArgs a;
        try {
            a = CliArgs.parse(args, Set.of("bootstrap-servers", "port", "host", "token-file", "client-properties",
                    "points-per-key", "max-keys", "budget", "budget-window", "stale-after"), Set.of("help"));
        } catch (CliArgs.UsageException e) {
            System.err.println("console: " + e.getMessage() + "\n" + HELP);
            return 2;
        }
        if (a.has("help")) {
            System.out.print(HELP);
            return 0;
        }
        ConsoleSettings s;
        try {
            s = settings(a);
        } catch (NumberFormatException e) {
            System.err.println("console: not a number: " + e.getMessage());
            return 2;
        }
        ConsoleServer server;
        try {
            server = ConsoleServer.start(s);
        } catch (RuntimeException e) {
            System.err.println("console: cannot start on " + s.host() + ":" + s.port() + ": " + rootMessage(e));
            return 1;
        }
        try (server) {
            System.out.println("flowpulse | console: " + server.url() + "   (Kafka " + s.bootstrapServers() + ", "
                    + (s.readOnly() ? "read-only: no token configured" : "labels writable with the token") + "); Ctrl-C to stop");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            Thread.currentThread().join();
        }
        return 0;
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
        DemoCommand.say("web console: " + server.url() + (server.state().summary().readOnly()
                ? "   (read-only; set FLOWPULSE_CONSOLE_TOKEN to label flows there)" : "   (labels need the token of FLOWPULSE_CONSOLE_TOKEN)"));
        return server;
    }

    /** The settings from the command line. */
    static ConsoleSettings settings(CliArgs a) throws Exception {
        ConsoleSettings s = ConsoleSettings.defaults(a.get("bootstrap-servers", "localhost:9092"))
                .withPort(a.getInt("port", ConsoleSettings.DEFAULT_PORT))
                .withHost(a.get("host", "127.0.0.1"))
                .withBounds(a.getInt("points-per-key", ConsoleSettings.DEFAULT_POINTS_PER_KEY),
                        a.getInt("max-keys", ConsoleSettings.DEFAULT_MAX_KEYS))
                .withBudget(a.getInt("budget", 100), a.getDuration("budget-window", Duration.ofMinutes(10)))
                .withStaleAfter(a.getDuration("stale-after", Duration.ofHours(2)));
        if (a.has("token-file")) {
            Path file = Path.of(a.get("token-file", null));
            if (!Files.isReadable(file)) {
                throw new NoSuchFileException(file.toString());
            }
            s = s.withToken(Files.readString(file, StandardCharsets.UTF_8));
        } else {
            s = s.withToken(System.getenv("FLOWPULSE_CONSOLE_TOKEN"));
        }
        if (a.has("client-properties")) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(Path.of(a.get("client-properties", null)))) {
                p.load(r);
            }
            s = s.withClientProperties(p);
        }
        if (s.pointsPerKey() < 1 || s.maxKeys() < 1) {
            throw new CliArgs.UsageException("--points-per-key and --max-keys must be at least 1");
        }
        return s;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
