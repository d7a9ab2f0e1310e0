package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar (the only jar deployed to Flink) carries the job and what it runs on, and
 * nothing of the tools: no CLI, simulator, local clusters, benchmarks, plotting or training
 * libraries. An ITCase because the jar exists only after {@code package}.
 */
class JobJarITCase {
    /** README says the size; a jar above this has picked up something it should not carry. */
    static final long MAX_BYTES = 35L * 1024 * 1024;

    /** Classes of the tools (flink-jobs/tools), their libraries, the test kit and the embedded broker. */
    static final List<String> FORBIDDEN = List.of(
            "io/flowpulse/cli/", "io/flowpulse/sim/", "io/flowpulse/bench/", "io/flowpulse/active/",
            "io/flowpulse/local/", "io/flowpulse/savepoint/", "io/flowpulse/testing/", "io/flowpulse/sources/pcap/",
            "org/tribuo/", "ml/dmlc/", "org/knowm/xchart/", "org/apache/pdfbox/", "de/erichseifert/", "picocli/",
            "org/apache/commons/csv/", "kafka/server/", "org/apache/kafka/controller/", "org/apache/kafka/raft/",
            "org/apache/flink/state/api/",
            "org/junit/");

    @Test
    void theJobJarCarriesTheJobAndNoTools() throws Exception {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("flowpulse-job-.*-job\\.jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("no shaded job jar in target/ (run package first)"));
        }
        long size = Files.size(jar);
        System.out.printf("%s: %,d bytes%n", jar, size);
        assertTrue(size < MAX_BYTES, jar + " is " + size + " bytes, more than " + MAX_BYTES);
        List<String> tools = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals(FlowpulseJob.class.getName(), j.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(j.getEntry("io/flowpulse/jobs/FlowpulseJob.class") != null);
            assertTrue(j.getEntry("org/apache/flink/connector/kafka/source/KafkaSource.class") != null, "Kafka connector");
            assertTrue(j.getEntry("org/apache/flink/cep/CEP.class") != null, "CEP (not in Flink's lib/)");
            j.stream().map(e -> e.getName()).filter(n -> FORBIDDEN.stream().anyMatch(n::startsWith)).limit(20).forEach(tools::add);
        }
        assertTrue(tools.isEmpty(), "tools classes in the job jar: " + tools);
    }
}
