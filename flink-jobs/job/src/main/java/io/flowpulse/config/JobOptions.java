package io.flowpulse.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;

/**
 * Every option of the flowpulse streaming job, typed, with defaults and descriptions. Given on the
 * command line as {@code --key value} (e.g. {@code --flows.idle-timeout 60s}). Cluster settings
 * (state backend, checkpoint directories, HA) are not here: they belong in the Flink
 * configuration (config.yaml / FlinkDeployment).
 */
public final class JobOptions {
    private JobOptions() {}

    // ---- Kafka ----
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType().defaultValue("localhost:9092").withDescription("Kafka bootstrap servers.");
    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType().defaultValue("flowpulse").withDescription("Consumer group of the job's Kafka sources.");
    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("kafka.starting-offsets")
            .stringType().defaultValue("committed-or-earliest")
            .withDescription("Where sources start without state: committed-or-earliest, earliest or latest.");
    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("kafka.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts (demo, backfills).");
    public static final ConfigOption<String> DELIVERY_GUARANTEE = ConfigOptions.key("kafka.delivery-guarantee")
            .stringType().defaultValue("at-least-once")
            .withDescription("Kafka sink delivery guarantee: none, at-least-once or exactly-once (transactional; needs checkpointing).");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key("kafka.transactional-id-prefix")
            .stringType().defaultValue("flowpulse").withDescription("Prefix of the sinks' transactional ids (exactly-once).");
    public static final ConfigOption<Map<String, String>> CLIENT_PROPERTIES = ConfigOptions.key("kafka.client")
            .mapType().defaultValue(new HashMap<>())
            .withDescription("Extra Kafka client properties passed to every source and sink, e.g. "
                    + "security.protocol:SASL_SSL,sasl.mechanism:SCRAM-SHA-512 (or --kafka.client.security.protocol SASL_SSL).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("transaction.timeout.ms of the exactly-once sinks: must not exceed the broker's "
                    + "transaction.max.timeout.ms (15 min by default; checked at job start) and must exceed the "
                    + "checkpoint interval plus the longest expected recovery, or a restored job finds its transactions aborted.");
    public static final ConfigOption<String> CLIENT_PROPERTIES_FILE = ConfigOptions.key("kafka.client-properties-file")
            .stringType().noDefaultValue()
            .withDescription("A Java properties file (e.g. a mounted secret) of Kafka client settings passed to every "
                    + "source and sink: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ... "
                    + "kafka.client.KEY options override it.");

    // ---- topics ----
    public static final ConfigOption<String> TOPIC_PACKETS = topic("packets", "PacketEvent input");
    public static final ConfigOption<String> TOPIC_FLOW_RECORDS = topic("flow-records", "FlowRecord input from exporters");
    public static final ConfigOption<String> TOPIC_PORT_SAMPLES = topic("port-samples", "PortSample input (interface counters)");
    public static final ConfigOption<String> TOPIC_MODELS = topic("models", "ModelUpdate input (compacted)");
    public static final ConfigOption<String> TOPIC_FLOWS = topic("flows", "FlowFeatures output");
    public static final ConfigOption<String> TOPIC_PORT_POINTS = topic("port-points", "PortPoint output (resampled series)");
    public static final ConfigOption<String> TOPIC_ANOMALIES = topic("anomalies", "AnomalyScore output");
    public static final ConfigOption<String> TOPIC_ALERTS = topic("alerts", "Alert output");
    public static final ConfigOption<String> TOPIC_CLASSIFICATIONS = topic("classifications", "Classification output");
    public static final ConfigOption<String> TOPIC_MODEL_EVENTS = topic("model-events", "ModelEvent output: accepted and rejected model updates with the reason");
    public static final ConfigOption<String> TOPIC_UNSCORED_FLOWS = topic("unscored-flows", "FlowFeatures that arrived before any model when the buffer was full");
    public static final ConfigOption<String> TOPIC_ANNOTATION_REQUESTS = topic("annotation-requests", "AnnotationRequest output: flows the model wants labelled");
    public static final ConfigOption<String> TOPIC_LABELS = topic("labels", "Annotation input for training: labels fed back");
    public static final ConfigOption<String> TOPIC_DEAD_LETTERS = topic("dead-letters", "DeadLetter output: records that could not be used, with the reason");

    // ---- exporter flow records: Kafka (default) or the job's own NetFlow/IPFIX collector ----
    public static final ConfigOption<String> FLOW_RECORDS_SOURCE = ConfigOptions.key("flow-records.source")
            .stringType().defaultValue("kafka")
            .withDescription("Where exporter flow records come from: 'kafka' (the flow-records topic, e.g. written by "
                    + "./flowpulse collect) or 'udp://HOST:PORT' to receive NetFlow v5/v9/IPFIX exports in the job itself "
                    + "(one reader; UDP has no replay, so a restart loses what arrives meanwhile).");
    public static final ConfigOption<Duration> NETFLOW_TEMPLATE_LIFETIME = ConfigOptions.key("flow-records.template-lifetime")
            .durationType().defaultValue(Duration.ofMinutes(30))
            .withDescription("A NetFlow v9/IPFIX template not refreshed by its exporter for this long expires (RFC 7011 8.4).");

    // ---- input hygiene and event time ----
    public static final ConfigOption<Integer> MAX_RECORD_BYTES = ConfigOptions.key("input.max-record-bytes")
            .intType().defaultValue(64 * 1024)
            .withDescription("Records larger than this go to the dead-letter topic (reason oversized-record).");
    public static final ConfigOption<Duration> MAX_EVENT_TIME_AHEAD = ConfigOptions.key("input.max-event-time-ahead")
            .durationType().defaultValue(Duration.ofDays(1))
            .withDescription("Records whose event time is further ahead of the wall clock go to the dead-letter topic "
                    + "and never advance the watermark (a device clock in the future would make every later record late).");
    public static final ConfigOption<Duration> MAX_EVENT_TIME_AGE = ConfigOptions.key("input.max-event-time-age")
            .durationType().noDefaultValue()
            .withDescription("Records whose event time is further behind the wall clock go to the dead-letter topic. "
                    + "Unset by default: replays of old captures are legitimate; set it (e.g. 7 d) for live feeds.");
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("event-time.out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("Bounded out-of-orderness of every input's watermarks.");
    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("event-time.idleness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("A source split without records for this long is marked idle so watermarks advance.");

    // ---- flows ----
    public static final ConfigOption<Duration> FLOW_IDLE_TIMEOUT = ConfigOptions.key("flows.idle-timeout")
            .durationType().defaultValue(Duration.ofSeconds(120)).withDescription("A flow without packets for this long ends.");
    public static final ConfigOption<Duration> FLOW_ACTIVE_TIMEOUT = ConfigOptions.key("flows.active-timeout")
            .durationType().defaultValue(Duration.ofSeconds(1800)).withDescription("A flow older than this is split.");
    public static final ConfigOption<Duration> FLOW_ACTIVITY_TIMEOUT = ConfigOptions.key("flows.activity-timeout")
            .durationType().defaultValue(Duration.ofSeconds(5)).withDescription("Gap that separates active and idle periods inside a flow.");
    public static final ConfigOption<Integer> FLOW_FIRST_PACKETS = ConfigOptions.key("flows.first-packets")
            .intType().defaultValue(30).withDescription("Number of first packets whose size, direction and IAT are kept for sequence models.");
    public static final ConfigOption<Integer> FLOW_MINI_BATCH_FLOWS = ConfigOptions.key("flows.mini-batch-flows")
            .intType().defaultValue(io.flowpulse.functions.FlowFeatureAggregator.DEFAULT_MINI_BATCH_FLOWS)
            .withDescription("Flows the flow operator keeps in memory between state writes (each written once per batch,"
                    + " flushed at every watermark and checkpoint); <= 1 writes state on every packet.");

    // ---- port series ----
    public static final ConfigOption<Duration> PORT_BUCKET = ConfigOptions.key("ports.bucket")
            .durationType().defaultValue(Duration.ofMinutes(30)).withDescription("Event-time bucket of the per-port series.");
    public static final ConfigOption<Duration> PORT_ALLOWED_LATENESS = ConfigOptions.key("ports.allowed-lateness")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("A bucket is emitted this long after the watermark passes its end; later samples go to dead letters (late-port-sample).");
    public static final ConfigOption<Duration> PORT_CLIP_WINDOW = ConfigOptions.key("ports.clip-window")
            .durationType().defaultValue(Duration.ofHours(2)).withDescription("Window of the rolling z-score outlier clipping.");
    public static final ConfigOption<Double> PORT_CLIP_THRESHOLD = ConfigOptions.key("ports.clip-threshold")
            .doubleType().defaultValue(2.0).withDescription("|z| above which a bucket is marked clipped.");
    public static final ConfigOption<Duration> PORT_STATE_TTL = ConfigOptions.key("ports.state-ttl")
            .durationType().defaultValue(Duration.ofDays(2)).withDescription("A port without samples for this long has its state cleared.");

    // ---- detectors and alerts ----
    public static final ConfigOption<String> PORT_DETECTOR = ConfigOptions.key("detectors.port")
            .stringType().defaultValue(io.flowpulse.ml.detectors.DetectorKind.defaultKind().id())
            .withDescription("Per-port detector: robust-band (robust bands, automatic daily profile, adaptive threshold, "
                    + "one flag per episode, ~320 B per key; default), holt-winters (daily + weekly Brutlag bands), "
                    + "stl (STL residuals, daily refit) or random-cut-forest (~268 KB per key).");
    public static final ConfigOption<Integer> PORT_NO_DATA_AFTER = ConfigOptions.key("ports.no-data-after")
            .intType().defaultValue(io.flowpulse.functions.PortSeriesResampler.DEFAULT_NO_DATA_AFTER_BUCKETS)
            .withDescription("Gap-filled buckets in a row after which a port raises one no-data signal (an alert with "
                    + "modelId no-data) for the whole silence.");
    public static final ConfigOption<Boolean> PORT_SCORE_FILLED = ConfigOptions.key("detectors.score-filled-buckets")
            .booleanType().defaultValue(false)
            .withDescription("Score gap-filled buckets (no sample in the bucket, value 0) as if they were measured. Off by "
                    + "default: a silent port gives one no-data signal (ports.no-data-after), not a stream of drops.");
    public static final ConfigOption<Map<String, String>> PORT_DETECTOR_OVERRIDES = ConfigOptions.key("detectors.port-overrides")
            .mapType().defaultValue(new HashMap<>())
            .withDescription("Detector per key, overriding detectors.port: 'device|port|DIRECTION' or 'device|*|*' or 'device|port|*' "
                    + "-> robust-band, holt-winters, stl or random-cut-forest, e.g. core-1|*|*:stl,edge-2|xe-0/0/1|IN:random-cut-forest.");
    public static final ConfigOption<Integer> ALERTS_ESCALATE_AFTER = ConfigOptions.key("alerts.escalate-after")
            .intType().defaultValue(4).withDescription("Consecutive anomalous buckets that escalate a WARNING to CRITICAL.");
    public static final ConfigOption<Integer> ALERTS_CLEAR_AFTER = ConfigOptions.key("alerts.clear-after")
            .intType().defaultValue(2).withDescription("Consecutive normal buckets that clear an alert.");

    // ---- models ----
    public static final ConfigOption<String> MODELS_SIGNING_KEY_FILE = ConfigOptions.key("models.signing-key-file")
            .stringType().noDefaultValue()
            .withDescription("File holding the HMAC-SHA256 key that model updates must be signed with "
                    + "(else the environment variable FLOWPULSE_MODEL_KEY). Without a key every model update is rejected.");
    public static final ConfigOption<Boolean> CLASSIFIER_REASONS = ConfigOptions.key("classifier.reasons")
            .booleanType().defaultValue(false)
            .withDescription("Each classification carries the path of the model's surrogate tree (its reasons), when the "
                    + "model update carries one (./flowpulse train puts it there). Off by default: it allocates per flow.");

    public static final ConfigOption<Integer> MODELS_BUFFER_CAPACITY = ConfigOptions.key("models.buffer-capacity")
            .intType().defaultValue(10_000)
            .withDescription("Flows kept (per parallel instance) until the first model arrives; more go to the unscored-flows topic.");

    public static final ConfigOption<Integer> MODELS_BATCH_SIZE = ConfigOptions.key("models.batch-size")
            .intType().defaultValue(256)
            .withDescription("Flows scored in one pass by models that prefer batches (the 1-D CNN sequence models), per"
                    + " parallel instance; tree models score every flow as it arrives. 1 = no batching.");
    public static final ConfigOption<Duration> MODELS_BATCH_MAX_DELAY = ConfigOptions.key("models.batch-max-delay")
            .durationType().defaultValue(Duration.ofMillis(100))
            .withDescription("A partial batch is scored after at most this long (processing time), before every"
                    + " checkpoint barrier and at end of input.");

    public static final ConfigOption<List<String>> MODELS_EXPORTER_FEATURES = ConfigOptions.key("models.exporter-features")
            .stringType().asList().defaultValues()
            .withDescription("Feature names that exporter flow records carry in their own features map (e.g. CICFlowMeter "
                    + "columns); models may use them besides the features the job computes.");

    // ---- active learning ----
    public static final ConfigOption<String> ACTIVE_STRATEGY = ConfigOptions.key("active.strategy")
            .stringType().defaultValue("least-confident")
            .withDescription("Query strategy for annotation requests: least-confident, margin, entropy, random, or none.");
    public static final ConfigOption<Double> ACTIVE_THRESHOLD = ConfigOptions.key("active.threshold")
            .doubleType().defaultValue(0.2).withDescription("Minimum query score of a flow offered for labelling.");
    public static final ConfigOption<Integer> ACTIVE_BUDGET = ConfigOptions.key("active.budget")
            .intType().defaultValue(100).withDescription("At most this many annotation requests per window, highest score first.");
    public static final ConfigOption<Duration> ACTIVE_WINDOW = ConfigOptions.key("active.window")
            .durationType().defaultValue(Duration.ofMinutes(10)).withDescription("Event-time window of the labelling budget.");
    public static final ConfigOption<Integer> ACTIVE_PER_CLASS_CAP = ConfigOptions.key("active.per-class-cap")
            .intType().defaultValue(50).withDescription("At most this many requests per predicted class and window.");

    private static ConfigOption<String> topic(String name, String what) {
        return ConfigOptions.key("topics." + name).stringType().defaultValue(name).withDescription("Topic: " + what + ".");
    }

    /** Every option, for --help and the README. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (java.lang.reflect.Field f : JobOptions.class.getFields()) {
            if (ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    /**
     * Parses {@code --key value} pairs (and {@code --key=value}) into a Configuration. Unknown
     * keys are rejected unless they belong to Flink's own configuration (contain a dot and are
     * not ours) so a typo in our options fails fast.
     */
    public static Configuration fromArgs(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --key value, got " + a);
            }
            String key = a.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                value = "true";
            }
            map.put(key, value);
        }
        // keys in the job's namespaces (kafka., topics., ...: the first part of every option's key) must be options
        java.util.Set<String> namespaces = new java.util.HashSet<>();
        for (ConfigOption<?> o : all()) {
            namespaces.add(o.key().substring(0, o.key().indexOf('.') + 1));
        }
        for (String key : map.keySet()) {
            boolean ours = all().stream().anyMatch(o -> o.key().equals(key)) || key.startsWith(CLIENT_PROPERTIES.key() + ".");
            boolean ourNamespace = key.contains(".") && namespaces.contains(key.substring(0, key.indexOf('.') + 1));
            if (!ours && (ourNamespace || !key.contains("."))) {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        return Configuration.fromMap(map);
    }

    /** Kafka client properties given with kafka.client (map form or kafka.client.KEY). */
    public static Properties clientProperties(Configuration conf) {
        Properties props = new Properties();
        if (conf.getOptional(CLIENT_PROPERTIES_FILE).isPresent()) {
            try (java.io.Reader r = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(conf.get(CLIENT_PROPERTIES_FILE)))) {
                props.load(r);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read " + CLIENT_PROPERTIES_FILE.key() + ": " + e.getMessage(), e);
            }
        }
        props.putAll(conf.get(CLIENT_PROPERTIES));
        String prefix = CLIENT_PROPERTIES.key() + ".";
        for (Map.Entry<String, String> e : conf.toMap().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                props.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return props;
    }

    /** The option's description as plain text. */
    public static String descriptionText(ConfigOption<?> o) {
        String html = new org.apache.flink.configuration.description.HtmlFormatter().format(o.description());
        return html.replaceAll("<br ?/?>", " ").replaceAll("<[^>]+>", "").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The model signing key from models.signing-key-file or FLOWPULSE_MODEL_KEY; null if neither is set. */
    public static byte[] modelSigningKey(Configuration conf) {
        try {
            if (conf.getOptional(MODELS_SIGNING_KEY_FILE).isPresent()) {
                return java.nio.file.Files.readString(java.nio.file.Path.of(conf.get(MODELS_SIGNING_KEY_FILE))).trim()
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + MODELS_SIGNING_KEY_FILE.key() + ": " + e.getMessage(), e);
        }
        String env = System.getenv("FLOWPULSE_MODEL_KEY");
        return env == null || env.isBlank() ? null : env.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public static String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigOption<?> o : all()) {
            sb.append(String.format("  --%-32s %s (default: %s)%n", o.key(), descriptionText(o),
                    o.hasDefaultValue() ? o.defaultValue() : "none"));
        }
        return sb.toString();
    }
}
