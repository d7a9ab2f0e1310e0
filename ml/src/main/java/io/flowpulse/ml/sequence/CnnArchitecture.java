package io.flowpulse.ml.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One point of the 1-D CNN search space (after AutoML4ETC's: blocks of convolutions with a width,
 * kernel size and pooling each, a depth of convolutions per block, global pooling, an optional
 * dense layer, and the input length N). Written and read as one line, e.g.
 * {@code n=32 blocks=16k5max,32k3none convs=1 global=avg dense=32}.
 */
public final class CnnArchitecture {
    /** Pooling after a block: max or average over 2 positions, or none. */
    public enum Pool { MAX, AVG, NONE }

    public final int inputLength;
    public final int[] filters;
    public final int[] kernels;
    public final Pool[] pools;
    public final int convsPerBlock;
    /** Global pooling over the remaining positions: MAX or AVG. */
    public final Pool global;
    /** Units of the hidden dense layer before the output; 0 = none. */
    public final int dense;
    /**
     * First-bytes input: the first {@code byteLength} transport bytes of the first
     * {@code bytePackets} packets as extra channels (one per byte offset) at those packets'
     * positions; 0 = sizes/directions/IATs only (spec token {@code bytes=PxL}).
     */
    public final int bytePackets;
    public final int byteLength;

    public CnnArchitecture(int inputLength, int[] filters, int[] kernels, Pool[] pools, int convsPerBlock, Pool global, int dense) {
        this(inputLength, filters, kernels, pools, convsPerBlock, global, dense, 0, 0);
    }

    public CnnArchitecture(int inputLength, int[] filters, int[] kernels, Pool[] pools, int convsPerBlock, Pool global, int dense,
            int bytePackets, int byteLength) {
        if (bytePackets < 0 || bytePackets > Math.min(inputLength, io.flowpulse.ml.features.FlowAggregatorParams.MAX_FIRST_BYTES_PACKETS)
                || (bytePackets > 0 && (byteLength < 1 || byteLength > io.flowpulse.ml.features.FlowAggregatorParams.MAX_FIRST_BYTES_LENGTH))) {
            throw new IllegalArgumentException("bytes=PxL: P 0.." + io.flowpulse.ml.features.FlowAggregatorParams.MAX_FIRST_BYTES_PACKETS
                    + " (and <= n), L 1.." + io.flowpulse.ml.features.FlowAggregatorParams.MAX_FIRST_BYTES_LENGTH);
        }
        this.bytePackets = bytePackets;
        this.byteLength = bytePackets == 0 ? 0 : byteLength;
        if (inputLength < 2 || inputLength > 1024) {
            throw new IllegalArgumentException("input length 2..1024, not " + inputLength);
        }
        if (filters.length == 0 || filters.length != kernels.length || filters.length != pools.length || filters.length > 8) {
            throw new IllegalArgumentException("1..8 blocks, each with filters, kernel and pooling");
        }
        for (int i = 0; i < filters.length; i++) {
            if (filters[i] < 1 || filters[i] > 512 || kernels[i] < 1 || kernels[i] > 31) {
                throw new IllegalArgumentException("block " + i + ": filters 1..512, kernel 1..31");
            }
        }
        if (convsPerBlock < 1 || convsPerBlock > 4 || global == Pool.NONE || dense < 0 || dense > 1024) {
            throw new IllegalArgumentException("convs per block 1..4, global pooling max|avg, dense 0..1024");
        }
        this.inputLength = inputLength;
        this.filters = filters.clone();
        this.kernels = kernels.clone();
        this.pools = pools.clone();
        this.convsPerBlock = convsPerBlock;
        this.global = global;
        this.dense = dense;
    }

    public int blocks() {
        return filters.length;
    }

    /** Input channels per position: size, direction, log IAT, plus one per byte offset with the bytes input. */
    public int channels() {
        return PacketSequence.CHANNELS + byteLength;
    }

    /** The named inputs of this network: size_i, iat_ms_i, then byte_p_j with the bytes input. */
    public List<String> featureNames() {
        return PacketSequence.featureNames(inputLength, bytePackets, byteLength);
    }

    /** This architecture with the first-bytes input of {@code packets x length} (0 packets: none). */
    public CnnArchitecture withBytes(int packets, int length) {
        return new CnnArchitecture(inputLength, filters, kernels, pools, convsPerBlock, global, dense, packets, length);
    }

    /** A small default: N=32, two blocks 32k5max and 64k3none, global max, dense 32. */
    public static CnnArchitecture defaults(int inputLength) {
        return new CnnArchitecture(inputLength, new int[] {32, 64}, new int[] {5, 3}, new Pool[] {Pool.MAX, Pool.NONE}, 1,
                Pool.MAX, 32);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < filters.length; i++) {
            b.append(i == 0 ? "" : ",").append(filters[i]).append('k').append(kernels[i]).append(pools[i].name().toLowerCase(Locale.ROOT));
        }
        return "n=" + inputLength + " blocks=" + b + " convs=" + convsPerBlock + " global=" + global.name().toLowerCase(Locale.ROOT)
                + " dense=" + dense + (bytePackets > 0 ? " bytes=" + bytePackets + "x" + byteLength : "");
    }

    public static CnnArchitecture parse(String s) {
        int n = -1;
        int convs = 1;
        int dense = 0;
        int bytePackets = 0;
        int byteLength = 0;
        Pool global = Pool.MAX;
        List<int[]> blocks = new ArrayList<>();
        List<Pool> pools = new ArrayList<>();
        for (String part : s.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("bad architecture part '" + part + "' in '" + s + "'");
            }
            String k = part.substring(0, eq);
            String v = part.substring(eq + 1);
            switch (k) {
                case "n":
                    n = Integer.parseInt(v);
                    break;
                case "convs":
                    convs = Integer.parseInt(v);
                    break;
                case "dense":
                    dense = Integer.parseInt(v);
                    break;
                case "bytes": {
                    int x = v.indexOf('x');
                    if (x <= 0) {
                        throw new IllegalArgumentException("bad bytes '" + v + "' (e.g. bytes=5x64)");
                    }
                    bytePackets = Integer.parseInt(v.substring(0, x));
                    byteLength = Integer.parseInt(v.substring(x + 1));
                    break;
                }
                case "global":
                    global = Pool.valueOf(v.toUpperCase(Locale.ROOT));
                    break;
                case "blocks":
                    for (String b : v.split(",")) {
                        int kk = b.indexOf('k');
                        int p = kk + 1;
                        while (p < b.length() && Character.isDigit(b.charAt(p))) {
                            p++;
                        }
                        if (kk <= 0 || p == kk + 1) {
                            throw new IllegalArgumentException("bad block '" + b + "' (e.g. 32k5max)");
                        }
                        blocks.add(new int[] {Integer.parseInt(b.substring(0, kk)), Integer.parseInt(b.substring(kk + 1, p))});
                        pools.add(b.length() == p ? Pool.NONE : Pool.valueOf(b.substring(p).toUpperCase(Locale.ROOT)));
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown architecture part '" + k + "'");
            }
        }
        int[] f = new int[blocks.size()];
        int[] ks = new int[blocks.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = blocks.get(i)[0];
            ks[i] = blocks.get(i)[1];
        }
        return new CnnArchitecture(n, f, ks, pools.toArray(new Pool[0]), convs, global, dense, bytePackets, byteLength);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CnnArchitecture && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }

    /**
     * Multiply-accumulates of one forward pass per flow (convolutions, dense, output): a
     * load-independent measure of inference cost, next to the measured time.
     */
    public long macsPerFlow(int classes) {
        long macs = 0;
        int in = channels();
        int length = inputLength;
        for (int b = 0; b < filters.length; b++) {
            for (int c = 0; c < convsPerBlock; c++) {
                length = length + 2 * (kernels[b] / 2) - kernels[b] + 1;
                macs += (long) length * filters[b] * in * kernels[b];
                in = filters[b];
            }
            if (pools[b] != Pool.NONE && length >= 2) {
                length /= 2;
            }
        }
        if (dense > 0) {
            macs += (long) in * dense;
            in = dense;
        }
        return macs + (long) in * classes;
    }

    /** Weights and biases of this network for {@code classes} outputs (convolutions, dense, output). */
    public long parameterCount(int classes) {
        long p = 0;
        int in = channels();
        for (int b = 0; b < filters.length; b++) {
            for (int c = 0; c < convsPerBlock; c++) {
                p += (long) in * filters[b] * kernels[b] + filters[b];
                in = filters[b];
            }
        }
        if (dense > 0) {
            p += (long) in * dense + dense;
            in = dense;
        }
        return p + (long) in * classes + classes;
    }
}
