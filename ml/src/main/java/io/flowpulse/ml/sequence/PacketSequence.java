package io.flowpulse.ml.sequence;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packet-sequence input of the sequence models, as named features: {@code size_i} is the
 * signed size of packet i (+ client to server, - back; 0 when the flow has fewer packets) and
 * {@code iat_ms_i} its inter-arrival time in ms (packet 0: 0), for i &lt; N. These are the
 * columns {@code ./flowpulse sequence-features} writes, so trees and CNNs train on the same table,
 * and what the flow operator keeps per flow (first N packets' size, direction, IAT).
 *
 * <p>The CNN sees three channels per packet: signed size / 1500, direction (+1/-1/0) and
 * log1p(IAT ms) / 8; {@link #toChannels} builds them from the named vector.
 */
public final class PacketSequence {
    public static final String SIZE = "size_";
    public static final String IAT_MS = "iat_ms_";
    /** byte_P_J: byte J of packet P's transport header and payload (0..255, -1 when absent). */
    public static final String BYTE = "byte_";
    private static final int BYTE_SLOT_BASE = 1 << 20;
    /** Channels per packet: signed size, direction, log IAT. */
    public static final int CHANNELS = 3;
    /** The feature schema version of the packet-sequence names. */
    public static final int SCHEMA_VERSION = 1;

    private PacketSequence() {}

    /** size_0..size_{n-1}, iat_ms_0..iat_ms_{n-1}. */
    public static List<String> featureNames(int n) {
        List<String> names = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            names.add(SIZE + i);
        }
        for (int i = 0; i < n; i++) {
            names.add(IAT_MS + i);
        }
        return names;
    }

    /** size_i, iat_ms_i as {@link #featureNames(int)}, then byte_p_j for p &lt; packets, j &lt; length (p-major). */
    public static List<String> featureNames(int n, int bytePackets, int byteLength) {
        List<String> names = featureNames(n);
        for (int p = 0; p < bytePackets; p++) {
            for (int j = 0; j < byteLength; j++) {
                names.add(BYTE + p + "_" + j);
            }
        }
        return names;
    }

    /**
     * Where a named feature comes from in a flow's first-packet arrays: {@code i} for size_i,
     * {@code -(i + 2)} for iat_ms_i, -1 for any other name (the flow's features map).
     */
    public static int slot(String name) {
        try {
            if (name.startsWith(SIZE)) {
                return Integer.parseInt(name.substring(SIZE.length()));
            }
            if (name.startsWith(IAT_MS)) {
                return -(Integer.parseInt(name.substring(IAT_MS.length())) + 2);
            }
            if (name.startsWith(BYTE)) {
                int u = name.indexOf('_', BYTE.length());
                int p = Integer.parseInt(name.substring(BYTE.length(), u));
                int j = Integer.parseInt(name.substring(u + 1));
                if (p >= 0 && p < 256 && j >= 0 && j < 1024) {
                    return -(BYTE_SLOT_BASE + p * 1024 + j);
                }
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Fills {@code out} for the names whose {@link #slot slots} are given, from a flow's features
     * map and first-packet arrays (IP length, direction +1/-1, IAT in microseconds). Missing
     * packets are 0, missing map features NaN. Allocates nothing beyond boxing of the map lookup.
     */
    public static void fill(List<String> names, int[] slots, Map<String, Double> features, List<Integer> sizes,
            List<Integer> directions, List<Long> iatMicros, double[] out) {
        fill(names, slots, features, sizes, directions, iatMicros, List.of(), out);
    }

    /** As above, with the flow's first bytes per packet ({@code FlowFeatures.firstPacketBytes}) for byte_p_j. */
    public static void fill(List<String> names, int[] slots, Map<String, Double> features, List<Integer> sizes,
            List<Integer> directions, List<Long> iatMicros, List<ByteBuffer> bytes, double[] out) {
        int packets = Math.min(sizes.size(), Math.min(directions.size(), iatMicros.size()));
        for (int k = 0; k < out.length; k++) {
            int s = slots[k];
            if (s <= -BYTE_SLOT_BASE) {
                int p = (-s - BYTE_SLOT_BASE) / 1024;
                int j = (-s - BYTE_SLOT_BASE) % 1024;
                ByteBuffer b = p < bytes.size() ? bytes.get(p) : null;
                out[k] = b != null && j < b.remaining() ? b.get(b.position() + j) & 0xff : -1.0;
            } else if (s >= 0) {
                out[k] = s < packets ? (double) sizes.get(s) * Integer.signum(directions.get(s)) : 0.0;
            } else if (s <= -2) {
                int i = -s - 2;
                out[k] = i < packets ? iatMicros.get(i) / 1000.0 : 0.0;
            } else {
                Double v = features.get(names.get(k));
                out[k] = v == null ? Double.NaN : v;
            }
        }
    }

    /**
     * The CNN's input for one flow: {@code x} is the named vector in {@link #featureNames(int)}
     * order (n sizes, then n IATs); writes {@code CHANNELS x n} floats at {@code offset}.
     */
    public static void toChannels(double[] x, int n, float[] out, int offset) {
        toChannels(x, n, 0, 0, out, offset);
    }

    /**
     * With the first-bytes input: {@code x} continues with the bytes (byte_p_j, p-major, -1 when
     * absent) and each byte offset j is one more channel, (byte + 1) / 256 at packet p's position
     * (0 when absent and at positions past the first {@code bytePackets}); writes
     * {@code (CHANNELS + byteLength) x n} floats at {@code offset}.
     */
    public static void toChannels(double[] x, int n, int bytePackets, int byteLength, float[] out, int offset) {
        if (bytePackets > 0) {
            java.util.Arrays.fill(out, offset + CHANNELS * n, offset + (CHANNELS + byteLength) * n, 0f);
            for (int p = 0; p < bytePackets && p < n; p++) {
                for (int j = 0; j < byteLength; j++) {
                    double v = x[2 * n + p * byteLength + j];
                    out[offset + (CHANNELS + j) * n + p] = Double.isNaN(v) || v < 0 ? 0f : (float) ((Math.min(v, 255) + 1) / 256.0);
                }
            }
        }
        for (int t = 0; t < n; t++) {
            double size = x[t];
            double iat = x[n + t];
            if (Double.isNaN(size)) {
                size = 0;
            }
            if (Double.isNaN(iat) || iat < 0) {
                iat = 0;
            }
            out[offset + t] = (float) Math.max(-2.0, Math.min(2.0, size / 1500.0));
            out[offset + n + t] = (float) Math.signum(size);
            out[offset + 2 * n + t] = (float) (Math.log1p(iat) / 8.0);
        }
    }
}
