package io.flowpulse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage and refusals of {@code ./flowpulse savepoint} that need no savepoint (the rest: SavepointRolloutITCase). */
class SavepointCommandTest {

    @Test
    void usageErrorsNameWhatIsMissing() throws Exception {
        assertEquals(2, FlowpulseCli.run(new String[] {"savepoint"}));
        assertEquals(0, FlowpulseCli.run(new String[] {"savepoint", "--help"}));
        CliRun noPath = CliRun.run("savepoint", "inspect");
        assertEquals(2, noPath.exitCode, noPath.toString());
        assertTrue(noPath.err.contains("PATH"), noPath.toString());
        assertEquals(2, FlowpulseCli.run(new String[] {"savepoint", "rollback", "/sp"}));
        CliRun noModel = CliRun.run("savepoint", "set-model", "/sp", "--out", "/new");
        assertEquals(2, noModel.exitCode);
        assertTrue(noModel.err.contains("--model"), noModel.toString());
    }

    @Test
    void setModelRefusesAnUnsignedOrNonClassifierModelBeforeReadingTheSavepoint(@TempDir Path dir) throws Exception {
        byte[] key = "a-signing-key-of-at-least-16-bytes".getBytes(StandardCharsets.UTF_8);
        ModelUpdate unsigned = ModelUpdate.newBuilder().setModelId("m").setKind(ModelKind.FLOW_CLASSIFIER).setVersion(2)
                .setCreatedMillis(1).setFormat("prior").setPayload(ByteBuffer.wrap(new byte[] {1})).setSignature(null).build();
        String missing = dir.resolve("no-such-savepoint").toString();
        assertEquals("unsigned update", SavepointCommand.setModel(missing, unsigned, dir.resolve("out").toString(), key, false, System.out));
        ModelUpdate detector = ModelUpdate.newBuilder(unsigned).setKind(ModelKind.PORT_DETECTOR_CONFIG).build();
        assertTrue(SavepointCommand.setModel(missing, detector, dir.resolve("out").toString(), key, false, System.out)
                .contains("not served"));
        assertEquals(null, SavepointCommand.localPath("s3://bucket/sp"));
        assertEquals(Path.of("/tmp/sp"), SavepointCommand.localPath("file:///tmp/sp"));
    }
}
