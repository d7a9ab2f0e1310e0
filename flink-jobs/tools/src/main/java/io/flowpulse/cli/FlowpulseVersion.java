package io.flowpulse.cli;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code --version}: the project version and the Flink it is built against (from the build). */
public final class FlowpulseVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = FlowpulseVersion.class.getResourceAsStream("/flowpulse-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"flowpulse " + p.getProperty("version", "(unknown version)")
                + " (Flink " + p.getProperty("flink", "?") + ", Java " + System.getProperty("java.version") + ")"};
    }
}
