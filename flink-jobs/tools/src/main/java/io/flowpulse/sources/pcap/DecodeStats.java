package io.flowpulse.sources.pcap;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/** Counts of decoded frames and of skipped frames by reason. Not thread-safe. */
public final class DecodeStats implements Serializable {
    private static final long serialVersionUID = 1L;

    public long decoded;
    public final Map<String, Long> skipped = new TreeMap<>();

    void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    public long skippedTotal() {
        long n = 0;
        for (long v : skipped.values()) {
            n += v;
        }
        return n;
    }

    public void addAll(DecodeStats other) {
        decoded += other.decoded;
        other.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
    }

    @Override
    public String toString() {
        return "decoded=" + decoded + " skipped=" + skipped;
    }
}
