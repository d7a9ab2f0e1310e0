package io.flowpulse.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.flowpulse.config.JobOptions;
import io.flowpulse.jobs.FlowpulseJob;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.FlinkStateSnapshot;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * Every manifest in {@code k8s/} binds to the API classes of the operator that reads it (Flink
 * Kubernetes operator, Strimzi, Kubernetes itself via fabric8) with no field left over, so a typo
 * fails the build; plus the settings a savepoint-based rollout relies on, Flink configuration keys
 * known to Flink, job arguments known to {@link JobOptions}, and one KafkaTopic per job topic.
 *
 * <p>A field counts as unknown when Jackson rejects it (FAIL_ON_UNKNOWN_PROPERTIES), when a fabric8
 * or Strimzi model keeps it in its {@code additionalProperties}, or when it does not survive a
 * round trip through the API class.
 */
class ManifestsTest {
    static final Path DIR = Path.of(System.getProperty("flowpulse.k8s.dir", "."));
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /**
     * The operator API that resolves here (1.10.0) predates Flink 2.x in its FlinkVersion enum; the
     * versions the image can run are checked by name instead (the operator must know v2_2).
     */
    static final Set<String> FLINK_VERSIONS_BEYOND_API = Set.of("v2_2");

    static final Map<String, Class<?>> KINDS = Map.of(
            "flink.apache.org/v1beta1/FlinkDeployment", FlinkDeployment.class,
            "flink.apache.org/v1beta1/FlinkStateSnapshot", FlinkStateSnapshot.class,
            "kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class,
            "apps/v1/Deployment", Deployment.class,
            "batch/v1/CronJob", CronJob.class);

    record Manifest(Path file, int index, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String where() {
            return DIR.relativize(file) + "#" + index + " (" + kind() + " " + node.path("metadata").path("name").asText() + ")";
        }
    }

    static List<Manifest> manifests() throws IOException {
        List<Manifest> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .collect(Collectors.toList())) {
                out.addAll(parse(f, Files.readString(f)));
            }
        }
        return out;
    }

    static List<Manifest> parse(Path file, String text) throws IOException {
        List<Manifest> out = new ArrayList<>();
        Iterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(YAML.getFactory().createParser(text));
        int i = 0;
        while (docs.hasNext()) {
            JsonNode n = docs.next();
            if (n != null && !n.isNull() && !n.isMissingNode() && n.size() > 0) {
                out.add(new Manifest(file, i, n));
            }
            i++;
        }
        return out;
    }

    /** Binds one manifest to its API class and fails on anything the class does not know. */
    static Object check(Manifest m) throws IOException {
        String type = m.node.path("apiVersion").asText() + "/" + m.kind();
        Class<?> cls = KINDS.get(type);
        if (cls == null) {
            throw new AssertionError(m.where() + ": no API class for " + type + " (known: " + KINDS.keySet() + ")");
        }
        JsonNode input = m.node.deepCopy();
        if (cls == FlinkDeployment.class) {
            String v = input.path("spec").path("flinkVersion").asText();
            if (FLINK_VERSIONS_BEYOND_API.contains(v)) {
                ((ObjectNode) input.get("spec")).remove("flinkVersion");
            }
        }
        Object bound;
        try {
            bound = YAML.treeToValue(input, cls);
        } catch (IOException e) {
            throw new AssertionError(m.where() + ": does not bind to " + cls.getSimpleName() + ": " + e.getMessage(), e);
        }
        List<String> leftOver = new ArrayList<>();
        additionalProperties(bound, cls.getSimpleName(), leftOver, new IdentityHashMap<>());
        lostInRoundTrip(input, YAML.valueToTree(bound), "", leftOver);
        if (!leftOver.isEmpty()) {
            throw new AssertionError(m.where() + ": fields unknown to " + cls.getSimpleName() + ": " + leftOver);
        }
        return bound;
    }

    /** fabric8 and Strimzi models keep unknown fields in additionalProperties instead of failing. */
    static void additionalProperties(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                additionalProperties(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> additionalProperties(v, path + "." + k, out, seen));
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!(pkg.startsWith("io.fabric8") || pkg.startsWith("io.strimzi") || pkg.startsWith("org.apache.flink.kubernetes"))) {
            return;
        }
        try {
            Method m = o.getClass().getMethod("getAdditionalProperties");
            Object extra = m.invoke(o);
            if (extra instanceof Map<?, ?> em && !em.isEmpty()) {
                em.keySet().forEach(k -> out.add(path + "." + k));
            }
        } catch (NoSuchMethodException e) {
            // a class without a catch-all: Jackson already failed on unknown fields
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive() || f.getName().equals("additionalProperties")) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    additionalProperties(f.get(o), path + "." + f.getName(), out, seen);
                } catch (RuntimeException | IllegalAccessException e) {
                    // inaccessible JDK internals: nothing of ours
                }
            }
        }
    }

    /** Every field of the input must come back from the API class (a silently ignored one does not). */
    static void lostInRoundTrip(JsonNode in, JsonNode out, String path, List<String> lost) {
        if (in.isObject()) {
            in.fields().forEachRemaining(e -> {
                JsonNode o = out == null ? null : out.get(e.getKey());
                if (o == null || o.isNull() && !e.getValue().isNull()) {
                    lost.add(path + "." + e.getKey());
                } else {
                    lostInRoundTrip(e.getValue(), o, path + "." + e.getKey(), lost);
                }
            });
        } else if (in.isArray()) {
            for (int i = 0; i < in.size(); i++) {
                lostInRoundTrip(in.get(i), out != null && out.isArray() && out.size() > i ? out.get(i) : null, path + "[" + i + "]", lost);
            }
        }
    }

    static List<Manifest> ofKind(String kind) throws IOException {
        return manifests().stream().filter(m -> m.kind().equals(kind)).collect(Collectors.toList());
    }

    @Test
    void everyManifestBindsToItsApiClassWithNothingLeftOver() throws IOException {
        List<Manifest> all = manifests();
        assertTrue(all.size() >= 5, "manifests found in " + DIR.toAbsolutePath() + ": " + all.size());
        for (Manifest m : all) {
            check(m);
        }
        Set<String> kinds = all.stream().map(Manifest::kind).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("CronJob", "Deployment", "FlinkDeployment", "FlinkStateSnapshot", "KafkaTopic")), kinds);
    }

    @Test
    void aTypoAnywhereFailsTheCheck() throws IOException {
        Path deployment = DIR.resolve("flowpulse-deployment.yaml");
        String text = Files.readString(deployment);
        for (String[] typo : new String[][] {
                {"upgradeMode: savepoint", "upgradeMod: savepoint"},          // operator spec field
                {"        - name: flink-main-container", "        - nam: flink-main-container"}, // fabric8 pod template
                {"    jarURI:", "    jarUri:"}}) {
            assertTrue(text.contains(typo[0]), typo[0]);
            Manifest m = parse(deployment, text.replace(typo[0], typo[1])).get(0);
            assertThrows(AssertionError.class, () -> check(m), typo[1]);
        }
        Path topics = DIR.resolve("kafka-topics.yaml");
        Manifest topic = parse(topics, Files.readString(topics).replaceFirst("partitions:", "partitons:")).get(0);
        assertThrows(AssertionError.class, () -> check(topic));
        assertThrows(AssertionError.class, () -> flinkConfigurationKeysAreKnown(
                Map.of("state.backend.typ", "rocksdb")));
        assertThrows(AssertionError.class, () -> topicConfigKeysAreKnown("models", Map.of("cleanup.polcy", "compact")));
    }

    @Test
    void theFlinkDeploymentIsSetUpForSavepointRollouts() throws IOException {
        List<Manifest> deployments = ofKind("FlinkDeployment");
        assertEquals(1, deployments.size());
        Manifest m = deployments.get(0);
        FlinkDeployment d = (FlinkDeployment) check(m);
        assertEquals("v2_2", m.node.path("spec").path("flinkVersion").asText(), "the image is flink:2.2.0-java17");
        assertEquals(UpgradeMode.SAVEPOINT, d.getSpec().getJob().getUpgradeMode());
        assertEquals("local:///opt/flink/usrlib/flowpulse.jar", d.getSpec().getJob().getJarURI(), "docker/Dockerfile puts the jar there");
        assertEquals(FlowpulseJob.class.getName(), d.getSpec().getJob().getEntryClass());
        Map<String, String> conf = d.getSpec().getFlinkConfiguration();
        assertEquals("rocksdb", conf.get("state.backend.type"));
        assertEquals("true", conf.get("execution.checkpointing.incremental"));
        assertEquals("kubernetes", conf.get("high-availability.type"));
        for (String k : List.of("pipeline.max-parallelism", "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "execution.checkpointing.interval", "high-availability.storageDir")) {
            assertTrue(conf.containsKey(k) && !conf.get(k).isBlank(), k);
        }
        flinkConfigurationKeysAreKnown(conf);

        // job arguments are options of the job
        Set<String> jobKeys = JobOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        List<String> args = d.getSpec().getJob().getArgs() == null ? List.of() : List.of(d.getSpec().getJob().getArgs());
        for (int i = 0; i < args.size(); i += 2) {
            String arg = args.get(i);
            assertTrue(arg.startsWith("--") && (jobKeys.contains(arg.substring(2)) || arg.startsWith("--kafka.client.")),
                    "job argument " + arg + " is not a JobOptions key");
        }
    }

    @Test
    void theStateSnapshotTakesASavepointOfTheDeployment() throws IOException {
        List<Manifest> snapshots = ofKind("FlinkStateSnapshot");
        assertEquals(1, snapshots.size());
        FlinkStateSnapshot s = (FlinkStateSnapshot) check(snapshots.get(0));
        assertEquals("FLINK_DEPLOYMENT", s.getSpec().getJobReference().getKind().name());
        String deployment = ofKind("FlinkDeployment").get(0).node.path("metadata").path("name").asText();
        assertEquals(deployment, s.getSpec().getJobReference().getName());
        assertTrue(s.getSpec().isSavepoint());
        assertEquals(Boolean.FALSE, s.getSpec().getSavepoint().getDisposeOnDelete(), "the savepoint before a rollout is its rollback");
    }

    @Test
    void everyTopicOfTheJobHasAKafkaTopicAndModelsIsCompacted() throws IOException {
        Set<String> jobTopics = JobOptions.all().stream().filter(o -> o.key().startsWith("topics."))
                .map(o -> (String) o.defaultValue()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> declared = new TreeSet<>();
        for (Manifest m : ofKind("KafkaTopic")) {
            KafkaTopic t = (KafkaTopic) check(m);
            String name = t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
            assertTrue(declared.add(name), "topic declared twice: " + name);
            assertTrue(t.getSpec().getPartitions() >= 1 && t.getSpec().getReplicas() >= 1, name);
            assertTrue(t.getMetadata().getLabels().containsKey("strimzi.io/cluster"), name);
            topicConfigKeysAreKnown(name, t.getSpec().getConfig());
            if (name.equals(JobOptions.TOPIC_MODELS.defaultValue())) {
                assertEquals("compact", t.getSpec().getConfig().get("cleanup.policy"));
            }
        }
        assertEquals(jobTopics, declared);
    }

    @Test
    void trainerAndAnnotatorRunCommandsOfTheCli() throws Exception {
        Set<String> commands = new HashSet<>(io.flowpulse.cli.FlowpulseCli.commandNames());
        List<Manifest> workloads = new ArrayList<>(ofKind("CronJob"));
        workloads.addAll(ofKind("Deployment"));
        assertEquals(2, workloads.size());
        for (Manifest m : workloads) {
            Object bound = check(m);
            io.fabric8.kubernetes.api.model.PodSpec pod = bound instanceof CronJob cj
                    ? cj.getSpec().getJobTemplate().getSpec().getTemplate().getSpec()
                    : ((Deployment) bound).getSpec().getTemplate().getSpec();
            List<String> args = pod.getContainers().get(0).getArgs();
            int main = args.indexOf(io.flowpulse.cli.FlowpulseCli.class.getName());
            assertTrue(main > 0, m.where() + " runs " + args);
            assertTrue(args.get(main - 1).startsWith("/opt/flowpulse/lib/*:"), m.where() + " classpath (the tools jars, docker/Dockerfile)");
            assertTrue(commands.contains(args.get(main + 1)), m.where() + ": no command " + args.get(main + 1));
        }
    }

    /** Keys of Flink's own options (and their fallback keys), plus the prefixes of pluggable parts. */
    static Set<String> flinkKeys() {
        Set<String> keys = new HashSet<>();
        for (Class<?> c : List.of(org.apache.flink.configuration.CheckpointingOptions.class,
                org.apache.flink.configuration.StateBackendOptions.class,
                org.apache.flink.configuration.StateRecoveryOptions.class,
                org.apache.flink.configuration.HighAvailabilityOptions.class,
                org.apache.flink.configuration.PipelineOptions.class,
                org.apache.flink.configuration.TaskManagerOptions.class,
                org.apache.flink.configuration.JobManagerOptions.class,
                org.apache.flink.configuration.MetricOptions.class,
                org.apache.flink.configuration.RestartStrategyOptions.class,
                org.apache.flink.configuration.CoreOptions.class,
                org.apache.flink.configuration.RestOptions.class,
                org.apache.flink.state.rocksdb.RocksDBOptions.class,
                org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.class)) {
            for (Field f : c.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                    try {
                        ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                        keys.add(o.key());
                        for (FallbackKey k : o.fallbackKeys()) {
                            keys.add(k.getKey());
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return keys;
    }

    static void flinkConfigurationKeysAreKnown(Map<String, String> conf) {
        Set<String> known = flinkKeys();
        for (String k : conf.keySet()) {
            boolean pluggable = k.startsWith("metrics.reporter.") // per-reporter options of the Prometheus plugin
                    || k.startsWith("kubernetes.");                 // Flink's Kubernetes and the operator's own options
            assertTrue(known.contains(k) || pluggable, "Flink configuration key unknown to Flink 2.2: " + k);
        }
    }

    static void topicConfigKeysAreKnown(String topic, Map<String, Object> config) {
        Set<String> known = new HashSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    known.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        for (String k : config == null ? Set.<String>of() : config.keySet()) {
            assertTrue(known.contains(k), "topic " + topic + ": config key unknown to Kafka: " + k);
        }
    }
}
