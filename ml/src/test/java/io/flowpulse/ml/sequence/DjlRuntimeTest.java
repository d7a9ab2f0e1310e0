package io.flowpulse.ml.sequence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {
    @Test
    void pytorchLoadsOfflineFromTheNativeJar() {
        Engine e = DjlRuntime.engine();
        assertEquals("PyTorch", e.getEngineName());
        assertEquals("true", System.getProperty("ai.djl.offline"));
        try (NDManager m = e.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3});
            assertArrayEquals(new float[] {2, 4, 6}, a.mul(2).toFloatArray());
        }
    }
}
