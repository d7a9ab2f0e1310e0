package io.flowpulse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class JobOptionsTest {
    @Test
    void parsesTypedOptionsAndKeepsDefaults() {
        Configuration c = JobOptions.fromArgs(new String[] {
            "--kafka.bootstrap-servers", "k1:9093", "--flows.idle-timeout=60 s", "--topics.flows", "f2",
            "--kafka.client.security.protocol", "SASL_SSL"});
        assertEquals("k1:9093", c.get(JobOptions.BOOTSTRAP_SERVERS));
        assertEquals(Duration.ofSeconds(60), c.get(JobOptions.FLOW_IDLE_TIMEOUT));
        assertEquals("f2", c.get(JobOptions.TOPIC_FLOWS));
        assertEquals(Duration.ofSeconds(1800), c.get(JobOptions.FLOW_ACTIVE_TIMEOUT));
        Properties p = JobOptions.clientProperties(c);
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
    }

    @Test
    void aTypoInOurOptionsFailsFast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JobOptions.fromArgs(new String[] {"--flows.idle-timout", "60 s"}));
        assertEquals("unknown option --flows.idle-timout", e.getMessage());
    }

    @Test
    void everyOptionHasADescription() {
        for (var o : JobOptions.all()) {
            assertEquals(true, JobOptions.descriptionText(o).length() > 10, o.key());
        }
    }
}
