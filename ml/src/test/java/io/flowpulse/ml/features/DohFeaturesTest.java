package io.flowpulse.ml.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values were computed independently with numpy (var, median, percentile, corrcoef) for two real CESNET flows. */
class DohFeaturesTest {

    static Map<String, Double> compute(String lengths, String dirs, String times, long p, long pr, long b, long br, double durMs) {
        int[] l = Arrays.stream(lengths.split(";")).mapToInt(Integer::parseInt).toArray();
        int[] d = Arrays.stream(dirs.split(";")).mapToInt(Integer::parseInt).toArray();
        long[] t = Arrays.stream(times.split(";")).mapToLong(s -> Math.round(Double.parseDouble(s) * 1e6)).toArray();
        Map<String, Double> out = new HashMap<>();
        DohFeatures.compute(p, pr, b, br, durMs, l, d, t, out);
        assertEquals(24, out.size());
        assertEquals(DohFeatures.NAMES.size(), out.keySet().stream().filter(DohFeatures.NAMES::contains).count());
        return out;
    }

    @Test
    void thirtyPacketFlow() {
        Map<String, Double> f = compute(
                "517;1460;641;64;528;92;31;126;55;55;159;159;947;31;159;756;31;758;31;869;31;869;55;159;783;31;559;559;1019;55",
                "1;-1;-1;1;-1;1;-1;1;1;1;1;1;-1;-1;1;-1;-1;-1;-1;1;-1;1;1;1;-1;-1;-1;-1;1;1",
                "1638539991.039000;1638539991.040000;1638539991.040000;1638539991.550000;1638539991.551000;1638539991.567000;1638539991.568000;1638539991.579000;1638539991.590000;1638539991.638000;1638539991.644000;1638539991.649000;1638539991.654000;1638539991.654000;1638539991.654000;1638539991.654000;1638539991.654000;1638539991.660000;1638539991.660000;1638539992.242000;1638539992.428000;1638539993.207000;1638539993.470000;1638539993.473000;1638539993.477000;1638539993.477000;1638539994.221000;1638539996.331000;1638539998.517000;1638539998.759000",
                19, 35, 6576, 10314, 35782.354);
        assertEquals(110661.0488888889, f.get("var_pkt_size"), 1e-6);
        assertEquals(178269.04888888885, f.get("var_pkt_size_rev"), 1e-6);
        assertEquals(159.0, f.get("median_pkt_size"));
        assertEquals(559.0, f.get("median_pkt_size_rev"));
        assertEquals(2.0, f.get("stSum"));
        assertEquals(-3.0, f.get("ndSum"));
        assertEquals(1.0, f.get("rdSum"));
        assertEquals(0.21060035676115677, f.get("autocorr"), 1e-9);
        assertEquals(0.0, f.get("mindelay"), 1e-3);
        assertEquals(266.2068975382838, f.get("avgdelay"), 1e-3);
        assertEquals(2186.0, f.get("maxdelay"), 1e-3);
        assertEquals(10.0, f.get("bursts"));
        assertEquals(10.0, f.get("fizzles"));
        assertEquals(1.0, f.get("time_leap_ration"));
        assertEquals(6576.0 / 10314, f.get("bytes_ration"), 1e-12);
        assertEquals(54.0, f.get("packets_sum"));
    }

    @Test
    void eightPacketFlowKeepsAlfsFirstLagQuirk() {
        Map<String, Double> f = compute("517;1430;1430;1430;1430;1075;74;950", "1;-1;-1;-1;-1;-1;1;-1",
                "1638540027.521000;1638540027.541000;1638540027.541000;1638540027.541000;1638540027.541000;1638540027.541000;1638540027.555000;1638540027.561000",
                7, 9, 883, 8117, 49.077);
        assertEquals(49062.25, f.get("var_pkt_size"), 1e-9);
        assertEquals(40036.805555555555, f.get("var_pkt_size_rev"), 1e-9);
        assertEquals(295.5, f.get("median_pkt_size"));
        assertEquals(1430.0, f.get("median_pkt_size_rev"));
        assertEquals(0.0, f.get("stSum"));
        assertEquals(-1.0, f.get("ndSum"));
        assertEquals(-1.0, f.get("rdSum"));
        assertEquals(0.0, f.get("autocorr"));
        assertEquals(0.0, f.get("bursts"));
        assertEquals(3.0, f.get("fizzles"));
        assertEquals(0.0, f.get("time_leap_ration"));
        assertEquals(5.714285714, f.get("avgdelay"), 1e-3);
        assertEquals(20.0, f.get("maxdelay"), 1e-3);
    }

    @Test
    void outsideAlfsDomainIsFlagged() {
        assertEquals(false, DohFeatures.applicable(5, 0));
        assertEquals(false, DohFeatures.applicable(2, 3));
        assertEquals(true, DohFeatures.applicable(3, 3));
    }
}
