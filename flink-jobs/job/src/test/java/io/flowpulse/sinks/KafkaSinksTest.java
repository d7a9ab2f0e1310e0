package io.flowpulse.sinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {

    @Test
    void theSinksBatchLargerThanKafkasDefaultUnlessTheClientPropertiesSayOtherwise() {
        Configuration conf = new Configuration();
        assertEquals("262144", KafkaSinks.producerProperties(conf).getProperty("batch.size"));

        conf.setString("kafka.client.batch.size", "65536");
        conf.setString("kafka.client.security.protocol", "SASL_SSL");
        assertEquals("65536", KafkaSinks.producerProperties(conf).getProperty("batch.size"));
        assertEquals("SASL_SSL", KafkaSinks.producerProperties(conf).getProperty("security.protocol"));

        Configuration map = new Configuration();
        map.set(io.flowpulse.config.JobOptions.CLIENT_PROPERTIES, Map.of("batch.size", "32768"));
        assertEquals("32768", KafkaSinks.producerProperties(map).getProperty("batch.size"));
    }

    @Test
    void compressionAndLingerAreDefaultsTheClientPropertiesOverride() {
        Configuration conf = new Configuration();
        assertEquals("lz4", KafkaSinks.producerProperties(conf).getProperty("compression.type"));
        assertEquals("20", KafkaSinks.producerProperties(conf).getProperty("linger.ms"));
        conf.setString("kafka.client.compression.type", "zstd");
        conf.setString("kafka.client.linger.ms", "5");
        assertEquals("zstd", KafkaSinks.producerProperties(conf).getProperty("compression.type"));
        assertEquals("5", KafkaSinks.producerProperties(conf).getProperty("linger.ms"));
    }
}
