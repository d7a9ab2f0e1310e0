package io.flowpulse.ml.features;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The 24 DoH (DNS over HTTPS) flow features of CESNET's ALF (its {@code PreprocessorDoH}), with
 * which ALF's initial set {@code doh_D0.csv} was computed, re-implemented from their definitions
 * so a model trained on D0 can score flows in the stream. Inputs are the flow counters and the
 * per-packet arrays of the first packets (exporter PPI or the aggregator's first-N arrays).
 *
 * <table>
 * <tr><th>name</th><th>definition</th></tr>
 * <tr><td>bytes, bytes_rev</td><td>bytes forward / backward</td></tr>
 * <tr><td>packets, packets_rev, packets_sum</td><td>packets forward / backward / both</td></tr>
 * <tr><td>bytes_ration, num_pkts_ration</td><td>bytes / bytes_rev, packets / packets_rev (0 when the denominator is 0)</td></tr>
 * <tr><td>time</td><td>flow duration, ms</td></tr>
 * <tr><td>av_pkt_size, av_pkt_size_rev</td><td>bytes / packets per direction</td></tr>
 * <tr><td>var_pkt_size, var_pkt_size_rev</td><td>population variance of the per-packet lengths per direction (first packets)</td></tr>
 * <tr><td>median_pkt_size, median_pkt_size_rev</td><td>median of the per-packet lengths per direction</td></tr>
 * <tr><td>mindelay, avgdelay, maxdelay</td><td>min / mean / max inter-packet delay, ms</td></tr>
 * <tr><td>bursts, fizzles</td><td>delays below the 33.4th / above the 66.3rd percentile (linear interpolation)</td></tr>
 * <tr><td>time_leap_ration</td><td>bursts / fizzles when both > 0, else 0</td></tr>
 * <tr><td>autocorr</td><td>the highest Pearson autocorrelation of the length sequence over lags 1..min(n/2,10)-1 (n >= 5)</td></tr>
 * <tr><td>stSum, ndSum, rdSum</td><td>sums of the directions (+1/-1) over the three thirds of the sequence (third = n/3 >= 2)</td></tr>
 * </table>
 *
 * <p>Where ALF's computation has quirks that D0 carries, we keep them so D0-trained models see the
 * same numbers: (1) {@code autocorr} is 0 when the best lag is the first one (ALF tests the lag
 * index for truth, and index 0 is false); (2) the thirds skip the element at index {@code third}
 * and at {@code 2*third} (slices start at third+1 and 2*third+1). ALF also drops one-directional
 * flows and flows with fewer than 6 packets before computing; {@link #applicable} says whether a
 * flow is in that domain.
 */
public final class DohFeatures {
    public static final List<String> NAMES = List.of("bytes_rev", "bytes", "packets", "packets_rev", "packets_sum",
            "bytes_ration", "num_pkts_ration", "time", "av_pkt_size", "av_pkt_size_rev", "var_pkt_size",
            "var_pkt_size_rev", "median_pkt_size", "median_pkt_size_rev", "mindelay", "avgdelay", "maxdelay",
            "bursts", "fizzles", "time_leap_ration", "autocorr", "stSum", "ndSum", "rdSum");

    private DohFeatures() {}

    /** ALF computes DoH features only for bidirectional flows with at least 6 packets. */
    public static boolean applicable(long packets, long packetsRev) {
        return packets > 0 && packetsRev > 0 && packets + packetsRev >= 6;
    }

    /**
     * Puts the 24 features into {@code out}.
     *
     * @param lengths per-packet lengths of the first packets
     * @param directions +1 forward / -1 backward, same length
     * @param timesMicros per-packet timestamps (absolute or relative), same length
     */
    public static void compute(long packets, long packetsRev, long bytes, long bytesRev, double durationMs,
            int[] lengths, int[] directions, long[] timesMicros, Map<String, Double> out) {
        out.put("bytes", (double) bytes);
        out.put("bytes_rev", (double) bytesRev);
        out.put("packets", (double) packets);
        out.put("packets_rev", (double) packetsRev);
        out.put("packets_sum", (double) (packets + packetsRev));
        out.put("bytes_ration", bytesRev == 0 ? 0.0 : (double) bytes / bytesRev);
        out.put("num_pkts_ration", packetsRev == 0 ? 0.0 : (double) packets / packetsRev);
        out.put("time", durationMs);
        out.put("av_pkt_size", packets == 0 ? 0.0 : (double) bytes / packets);
        out.put("av_pkt_size_rev", packetsRev == 0 ? 0.0 : (double) bytesRev / packetsRev);

        int n = Math.min(lengths.length, directions.length);
        double[] fwd = new double[n];
        double[] bwd = new double[n];
        int nf = 0;
        int nb = 0;
        for (int i = 0; i < n; i++) {
            if (directions[i] == 1) {
                fwd[nf++] = lengths[i];
            } else if (directions[i] == -1) {
                bwd[nb++] = lengths[i];
            }
        }
        out.put("var_pkt_size", variance(fwd, nf));
        out.put("var_pkt_size_rev", variance(bwd, nb));
        out.put("median_pkt_size", median(fwd, nf));
        out.put("median_pkt_size_rev", median(bwd, nb));

        int third = directions.length / 3;
        double st = 0;
        double nd = 0;
        double rd = 0;
        if (third >= 2) {
            st = sum(directions, 0, third);
            nd = sum(directions, third + 1, 2 * third);
            rd = sum(directions, 2 * third + 1, directions.length);
        }
        out.put("stSum", st);
        out.put("ndSum", nd);
        out.put("rdSum", rd);
        out.put("autocorr", autocorrelation(lengths));
        delays(timesMicros, out);
    }

    static double autocorrelation(int[] x) {
        int n = x.length;
        if (n < 5) {
            return 0.0;
        }
        int maxLag = Math.min(n / 2, 10);
        double best = Double.NaN;
        int bestIndex = -1;
        for (int lag = 1; lag < maxLag; lag++) {
            double c = pearson(x, lag, 0, n - lag);
            if (!Double.isNaN(c) && (Double.isNaN(best) || c > best)) {
                best = c;
                bestIndex = lag - 1;
            }
        }
        return bestIndex > 0 ? best : 0.0; // ALF quirk: the first lag (index 0) counts as "no lag"
    }

    /** Pearson correlation of x[a .. a+len) and x[b .. b+len). */
    private static double pearson(int[] x, int a, int b, int len) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < len; i++) {
            ma += x[a + i];
            mb += x[b + i];
        }
        ma /= len;
        mb /= len;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < len; i++) {
            double da = x[a + i] - ma;
            double db = x[b + i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return sab / Math.sqrt(saa * sbb);
    }

    private static void delays(long[] t, Map<String, Double> out) {
        if (t.length < 2) {
            out.put("mindelay", 0.0);
            out.put("avgdelay", 0.0);
            out.put("maxdelay", 0.0);
            out.put("bursts", 0.0);
            out.put("fizzles", 0.0);
            out.put("time_leap_ration", 0.0);
            return;
        }
        double[] d = new double[t.length - 1];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int i = 1; i < t.length; i++) {
            d[i - 1] = (t[i] - t[i - 1]) / 1000.0;
            min = Math.min(min, d[i - 1]);
            max = Math.max(max, d[i - 1]);
            sum += d[i - 1];
        }
        double[] sorted = d.clone();
        Arrays.sort(sorted);
        double upper = percentile(sorted, 66.3);
        double lower = percentile(sorted, 33.4);
        int bursts = 0;
        int fizzles = 0;
        for (double v : d) {
            if (v > upper) {
                fizzles++;
            }
            if (v < lower) {
                bursts++;
            }
        }
        out.put("mindelay", min);
        out.put("avgdelay", sum / d.length);
        out.put("maxdelay", max);
        out.put("bursts", (double) bursts);
        out.put("fizzles", (double) fizzles);
        out.put("time_leap_ration", bursts > 0 && fizzles > 0 ? (double) bursts / fizzles : 0.0);
    }

    /** Percentile with linear interpolation between closest ranks (numpy's default). */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static double variance(double[] v, int n) {
        if (n == 0) {
            return 0.0;
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += v[i];
        }
        mean /= n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (v[i] - mean) * (v[i] - mean);
        }
        return s / n;
    }

    private static double median(double[] v, int n) {
        if (n == 0) {
            return 0.0;
        }
        double[] c = Arrays.copyOf(v, n);
        Arrays.sort(c);
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2.0;
    }

    private static double sum(int[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < Math.min(to, v.length); i++) {
            s += v[i];
        }
        return s;
    }
}
