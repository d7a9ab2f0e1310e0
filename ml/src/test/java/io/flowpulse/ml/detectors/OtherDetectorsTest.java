package io.flowpulse.ml.detectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtherDetectorsTest {
    static final long BUCKET = HoltWintersParams.DEFAULT_BUCKET_MILLIS;

    static int flagged(List<DetectorResult> r, int from, int to, int except) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (i != except && r.get(i).anomalous()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void stlFlagsTheSpikeAndFitsAfterThreeDays() {
        int spike = 48 * 8 + 20;
        StlResidualDetector stl = StlResidualDetector.forBucket(BUCKET);
        List<DetectorResult> r = HoltWintersTest.run(stl, 48 * 10, Map.of(spike, 600.0));
        assertFalse(r.get(48 * 3 - 1).warm(), "no fit before three full days");
        assertTrue(r.get(48 * 3).warm());
        assertTrue(r.get(spike).anomalous(), r.get(spike).toString());
        assertTrue(r.get(spike).value() > r.get(spike).upper());
        int clean = flagged(r, 48 * 3, 48 * 10, spike);
        assertTrue(clean <= 48 * 7 / 100, "clean days under 1% flagged: " + clean);
        assertTrue(stl.lastRefitNanos() > 0);
    }

    @Test
    void randomCutForestFlagsTheSpikeWithAnExpectedValue() {
        int spike = 48 * 8 + 20;
        List<DetectorResult> r = HoltWintersTest.run(RandomCutForestDetector.defaults(), 48 * 10, Map.of(spike, 600.0));
        DetectorResult s = r.get(spike);
        assertTrue(s.anomalous(), s.toString());
        assertTrue(s.lower() <= s.expected() && s.expected() <= s.upper());
        assertTrue(s.value() > s.upper());
        assertTrue(flagged(r, 48 * 3, 48 * 10, spike) <= 48 * 7 / 50, "clean days under 2% flagged");
    }

    @Test
    void randomCutForestSurvivesEncodeDecode() {
        RandomCutForestDetector original = RandomCutForestDetector.defaults();
        HoltWintersTest.run(original, 48 * 8, Map.of());
        byte[] bytes = original.encode();
        RandomCutForestDetector copy = RandomCutForestDetector.decode(bytes);
        long t = HoltWintersTest.START + 48 * 8 * BUCKET;
        DetectorResult a = original.update(t, 1e4);
        DetectorResult b = copy.update(t, 1e4);
        assertEquals(a.expected(), b.expected(), 1e-3, "the pending forecast is restored");
        assertTrue(b.warm() && b.anomalous(), b.toString());
        assertTrue(bytes.length > 10_000, "a forest is big: " + bytes.length);
    }

    @Test
    void detectorsAreSelectedByName() {
        for (String name : Detectors.names()) {
            assertTrue(Detectors.create(name, BUCKET, Map.of()).id().equals(name));
        }
        assertThrows(IllegalArgumentException.class, () -> Detectors.create("arima", BUCKET, Map.of()));
    }
}
