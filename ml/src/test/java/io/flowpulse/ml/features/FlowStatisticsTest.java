package io.flowpulse.ml.features;

import static io.flowpulse.ml.features.FlowFeatureNames.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlowStatisticsTest {
    private static final long ACTIVITY = 5_000_000L;

    /** forward packet: 14-byte Ethernet + 20-byte IP + 20-byte TCP + payload */
    private static void fwd(FlowStatistics s, long micros, int payload, int flags, int window) {
        s.add(micros, true, 54 + payload, 40 + payload, 20, payload, flags, window, ACTIVITY);
    }

    private static void bwd(FlowStatistics s, long micros, int payload, int flags, int window) {
        s.add(micros, false, 54 + payload, 40 + payload, 20, payload, flags, window, ACTIVITY);
    }

    @Test
    void featureMapHasEveryDocumentedNameInOrder() {
        FlowStatistics s = new FlowStatistics();
        fwd(s, 1_000, 10, FlowStatistics.SYN, 100);
        Map<String, Double> f = s.toFeatures();
        assertEquals(FlowFeatureNames.ALL, new ArrayList<>(f.keySet()));
        assertEquals(FlowFeatureNames.ALL.size(), new HashSet<>(FlowFeatureNames.ALL).size(), "duplicate names");
    }

    @Test
    void countsLengthsAndIatsOfASmallTcpExchange() {
        FlowStatistics s = new FlowStatistics();
        fwd(s, 0, 0, FlowStatistics.SYN, 64_240);
        bwd(s, 1_000, 0, FlowStatistics.SYN | FlowStatistics.ACK, 65_535);
        fwd(s, 2_000, 0, FlowStatistics.ACK, 502);
        fwd(s, 3_000, 100, FlowStatistics.PSH | FlowStatistics.ACK, 502);
        bwd(s, 7_000, 300, FlowStatistics.PSH | FlowStatistics.ACK, 1_000);
        Map<String, Double> f = s.toFeatures();
        assertEquals(5, f.get(BIDIRECTIONAL_PACKETS));
        assertEquals(5 * 54 + 400, f.get(BIDIRECTIONAL_BYTES));
        assertEquals(3, f.get(SRC2DST_PACKETS));
        assertEquals(3 * 54 + 100, f.get(SRC2DST_BYTES));
        assertEquals(2 * 54 + 300, f.get(DST2SRC_BYTES));
        assertEquals(7.0, f.get(BIDIRECTIONAL_DURATION_MS));
        assertEquals(3.0, f.get(SRC2DST_DURATION_MS));
        assertEquals(6.0, f.get(DST2SRC_DURATION_MS));
        assertEquals(7_000, f.get(FLOW_DURATION_US));
        assertEquals(100, f.get(FWD_PAYLOAD_BYTES));
        assertEquals(300, f.get(BWD_PAYLOAD_BYTES));
        assertEquals(3 * 40 + 100, f.get(FWD_IP_BYTES));
        assertEquals(0, f.get(FWD_PKT_LEN_MIN));
        assertEquals(100, f.get(FWD_PKT_LEN_MAX));
        assertEquals(100 / 3.0, f.get(FWD_PKT_LEN_MEAN), 1e-9);
        // sample std of {0, 0, 100}
        assertEquals(Math.sqrt((2 * Math.pow(100 / 3.0, 2) + Math.pow(200 / 3.0, 2)) / 2), f.get(FWD_PKT_LEN_STD), 1e-9);
        assertEquals(80, f.get(PKT_LEN_MEAN), 1e-9);
        // flow IATs: 1000, 1000, 1000, 4000
        assertEquals(7_000, f.get(FLOW_IAT_TOTAL_US));
        assertEquals(1_750, f.get(FLOW_IAT_MEAN_US), 1e-9);
        assertEquals(4_000, f.get(FLOW_IAT_MAX_US));
        assertEquals(1_000, f.get(FLOW_IAT_MIN_US));
        assertEquals(1_500, f.get(FWD_IAT_MEAN_US), 1e-9);
        assertEquals(6_000, f.get(BWD_IAT_TOTAL_US));
        assertEquals(2, f.get(SYN_FLAG_COUNT));
        assertEquals(4, f.get(ACK_FLAG_COUNT));
        assertEquals(2, f.get(PSH_FLAG_COUNT));
        assertEquals(1, f.get(FWD_PSH_FLAGS));
        assertEquals(1, f.get(BWD_PSH_FLAGS));
        assertEquals(60, f.get(FWD_HEADER_BYTES));
        assertEquals(64_240, f.get(FWD_INIT_WIN_BYTES), "first forward packet only");
        assertEquals(65_535, f.get(BWD_INIT_WIN_BYTES), "first backward packet only");
        assertEquals(1, f.get(FWD_ACT_DATA_PACKETS));
        assertEquals(20, f.get(FWD_SEG_SIZE_MIN));
        assertEquals(2.0 / 3.0, f.get(DOWN_UP_RATIO), 1e-9);
        assertEquals(400 / 0.007, f.get(FLOW_BYTES_PER_S), 1e-6);
        assertEquals(5 / 0.007, f.get(FLOW_PACKETS_PER_S), 1e-6);
        assertEquals(1, f.get(SUBFLOW_COUNT));
        assertEquals(3, f.get(SUBFLOW_FWD_PACKETS));
        assertEquals(7_000, f.get(ACTIVE_MEAN_US), "one active period spanning the flow");
        assertEquals(0, f.get(IDLE_MEAN_US));
    }

    @Test
    void zeroDurationFlowHasZeroRatesNeverNanOrInfinity() {
        FlowStatistics s = new FlowStatistics();
        s.add(5_000, true, 60, 46, 8, 18, 0, 0, ACTIVITY);
        s.add(5_000, true, 60, 46, 8, 18, 0, 0, ACTIVITY);
        Map<String, Double> f = s.toFeatures();
        assertEquals(0, f.get(FLOW_BYTES_PER_S));
        assertEquals(0, f.get(FLOW_PACKETS_PER_S));
        assertEquals(-1, f.get(BWD_INIT_WIN_BYTES), "no backward packet");
        for (Map.Entry<String, Double> e : f.entrySet()) {
            assertFalse(e.getValue().isNaN() || e.getValue().isInfinite(), e.getKey() + " = " + e.getValue());
        }
        for (Map.Entry<String, Double> e : new FlowStatistics().toFeatures().entrySet()) {
            assertFalse(e.getValue().isNaN() || e.getValue().isInfinite(), "empty: " + e.getKey());
        }
    }

    @Test
    void activeAndIdlePeriodsSplitAtTheActivityTimeout() {
        FlowStatistics s = new FlowStatistics();
        fwd(s, 0, 1, 0, 0);
        fwd(s, 1_000_000, 1, 0, 0);       // active 0..1 s
        fwd(s, 10_000_000, 1, 0, 0);      // idle 9 s, new active period starts
        fwd(s, 12_000_000, 1, 0, 0);      // active 10..12 s
        fwd(s, 30_000_000, 1, 0, 0);      // idle 18 s, final period has length 0 (not counted)
        Map<String, Double> f = s.toFeatures();
        assertEquals(1_500_000, f.get(ACTIVE_MEAN_US), 1e-6);
        assertEquals(2_000_000, f.get(ACTIVE_MAX_US));
        assertEquals(1_000_000, f.get(ACTIVE_MIN_US));
        assertEquals(13_500_000, f.get(IDLE_MEAN_US), 1e-6);
        assertEquals(18_000_000, f.get(IDLE_MAX_US));
        assertEquals(9_000_000, f.get(IDLE_MIN_US));
        // subflows: gaps > 1 s at 10 s and 30 s (the 1 s gap is not > 1 s) and 12 s
        assertEquals(4, f.get(SUBFLOW_COUNT));
        assertEquals(5 / 4.0, f.get(SUBFLOW_FWD_PACKETS));
    }

    @Test
    void bulksNeedFourPayloadPacketsWithoutTheOtherSideSpeaking() {
        FlowStatistics s = new FlowStatistics();
        for (int i = 0; i < 5; i++) {
            fwd(s, i * 100_000L, 1000, 0, 0);   // 5-packet forward bulk over 0.4 s
        }
        bwd(s, 600_000, 10, 0, 0);              // interrupts
        for (int i = 0; i < 3; i++) {
            fwd(s, 700_000 + i * 100_000L, 1000, 0, 0); // only 3: no bulk
        }
        Map<String, Double> f = s.toFeatures();
        assertEquals(5_000, f.get(FWD_BULK_BYTES_AVG));
        assertEquals(5, f.get(FWD_BULK_PACKETS_AVG));
        assertEquals(5_000 / 0.4, f.get(FWD_BULK_RATE_AVG), 1e-6);
        assertEquals(0, f.get(BWD_BULK_BYTES_AVG));
    }

    @Test
    void outOfOrderPacketsGetZeroIatAndDoNotMoveTheClockBack() {
        FlowStatistics s = new FlowStatistics();
        fwd(s, 10_000, 1, 0, 0);
        fwd(s, 20_000, 1, 0, 0);
        fwd(s, 15_000, 1, 0, 0);
        Map<String, Double> f = s.toFeatures();
        assertEquals(10_000, f.get(FLOW_DURATION_US));
        assertEquals(0, f.get(FLOW_IAT_MIN_US));
        assertEquals(3, f.get(BIDIRECTIONAL_PACKETS));
        assertTrue(f.get(FLOW_IAT_MAX_US) <= 10_000);
    }

    @Test
    void welfordMatchesTwoPassStatistics() {
        RunningStats r = new RunningStats();
        double[] xs = {3, 1e9 + 1, 1e9 + 2, 7, -4, 12.5};
        double sum = 0;
        for (double x : xs) {
            r.add(x);
            sum += x;
        }
        double mean = sum / xs.length;
        double ss = 0;
        for (double x : xs) {
            ss += (x - mean) * (x - mean);
        }
        assertEquals(mean, r.mean(), 1e-3);
        assertEquals(Math.sqrt(ss / (xs.length - 1)), r.std(), 1e-3);
        assertEquals(-4, r.min());
        assertEquals(1e9 + 2, r.max());
    }

    @Test
    void resetGivesTheStateOfANewInstanceInEveryField() throws Exception {
        FlowStatistics s = new FlowStatistics();
        fwd(s, 0, 0, FlowStatistics.SYN, 64_240);
        bwd(s, 1_000, 0, FlowStatistics.SYN | FlowStatistics.ACK | FlowStatistics.URG, 65_535);
        for (int i = 0; i < 8; i++) {
            fwd(s, 2_000 + i * 1_000L, 100, FlowStatistics.PSH | FlowStatistics.ACK | FlowStatistics.URG, 502);
            bwd(s, 2_500 + i * 1_000L, 1_000, FlowStatistics.PSH | FlowStatistics.ACK | FlowStatistics.ECE, 502);
        }
        fwd(s, 20_000_000, 10, FlowStatistics.FIN | FlowStatistics.RST | FlowStatistics.CWR, 1);
        RunningStats active = s.active;
        BulkTracker bulk = s.fwdBulk;
        s.reset();
        assertSameFields(new FlowStatistics(), s, "FlowStatistics");
        assertTrue(active == s.active && bulk == s.fwdBulk, "nested objects kept");
        fwd(s, 5, 10, FlowStatistics.SYN, 100);
        FlowStatistics fresh = new FlowStatistics();
        fwd(fresh, 5, 10, FlowStatistics.SYN, 100);
        assertEquals(fresh.toFeatures(), s.toFeatures(), "a reset flow computes as a new one");
    }

    /** Every field, recursively into this package's nested objects, equal in value (fails on a new field reset forgets). */
    private static void assertSameFields(Object expected, Object actual, String path) throws Exception {
        for (java.lang.reflect.Field f : expected.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            f.setAccessible(true);
            Object e = f.get(expected);
            Object a = f.get(actual);
            if (e != null && e.getClass().getPackageName().equals(FlowStatistics.class.getPackageName())) {
                assertSameFields(e, a, path + "." + f.getName());
            } else {
                assertEquals(e, a, path + "." + f.getName());
            }
        }
    }
}
