package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command dispatcher: usage errors and missing input files end with exit code 2 and one line, not a stack trace. */
class FlowpulseCliTest {

    @Test
    void aMissingInputFileIsAUsageError(@TempDir Path dir) throws Exception {
        String missing = dir.resolve("no-such-blacklist.txt").toString();
        assertEquals(2, FlowpulseCli.run(new String[] {"annotate", "--rules", missing, "--bootstrap-servers", "127.0.0.1:1"}));
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        assertEquals(2, FlowpulseCli.run(new String[] {"no-such-command"}));
    }
}
