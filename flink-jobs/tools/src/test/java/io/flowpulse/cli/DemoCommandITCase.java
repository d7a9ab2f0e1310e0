package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end: {@code ./flowpulse demo} on a short simulated run
 * (embedded broker, local cluster, the real job) finishes and prints non-empty output for every
 * stage built so far.
 */
class DemoCommandITCase {

    @Test
    void demoRunsToCompletionAndEveryStageProducesOutput(@TempDir Path out) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(new TeeOutputStream(original, buffer), true, StandardCharsets.UTF_8));
        try {
            code = FlowpulseCli.run(new String[] {"demo", "--duration", "20s", "--port-days", "5", "--output", out.toString()});
        } finally {
            System.setOut(original);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("Flink web UI: http://127.0.0.1:"), printed);
        for (String file : new String[] {"flows.csv", "dead-letters.csv", "classifications.csv", "model-events.csv",
                "port-points.csv", "anomalies.csv", "alerts.csv", "annotation-requests.csv"}) {
            assertTrue(Files.readAllLines(out.resolve(file)).size() > 1, file + " is empty");
        }
        assertTrue(printed.matches("(?s).*flows\\s+[1-9][0-9,]*\\n.*"), "flows counted: " + printed);
        assertTrue(printed.matches("(?s).*dead-letters\\s+3\\n.*"), "dead letters counted: " + printed);
    }

    /** Writes to two streams. */
    static final class TeeOutputStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeOutputStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
