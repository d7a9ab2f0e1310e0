package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.ml.detectors.DetectorKind;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PortPoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectorChoiceTest {
    static PortPoint point(String device, String port, Direction d) {
        return PortPoint.newBuilder().setDevice(device).setPort(port).setDirection(d).setBucketStartMillis(0)
                .setBucketEndMillis(1).setBytes(1).setSampleCount(1).setFilled(false).build();
    }

    @Test
    void theMostSpecificOverrideWins() {
        PortPipeline.DetectorChoice c = new PortPipeline.DetectorChoice("holt-winters",
                Map.of("core-1|*|*", "stl", "core-1|xe-0/0/1|IN", "holt-winters"));
        assertEquals(DetectorKind.STL, c.detectorFor(point("core-1", "xe-0/0/2", Direction.IN)));
        assertEquals(DetectorKind.HOLT_WINTERS, c.detectorFor(point("core-1", "xe-0/0/1", Direction.IN)));
        assertEquals(DetectorKind.STL, c.detectorFor(point("core-1", "xe-0/0/1", Direction.OUT)));
        assertEquals(DetectorKind.HOLT_WINTERS, c.detectorFor(point("edge-9", "xe-0/0/1", Direction.OUT)));
        assertTrue(c.uses(DetectorKind.STL) && c.uses(DetectorKind.HOLT_WINTERS));
        assertTrue(!c.uses(DetectorKind.ROBUST_BAND));
    }

    @Test
    void anUnknownDetectorIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new PortPipeline.DetectorChoice("arima", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new PortPipeline.DetectorChoice("stl", Map.of("a|*|*", "prophet")));
    }
}
