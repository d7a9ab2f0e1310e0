package io.flowpulse.jobs;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.PacketEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * "Clock" packets that move event time forward on every partition of a topic, so a test's
 * watermark does not depend on idleness: with a short idleness, a partition whose first fetch is
 * slow (TLS handshake, a loaded machine) is marked idle and the other partition's clock makes its
 * packets late.
 */
final class PartitionClock {
    private PartitionClock() {}

    /** One SYN per flow, on flows chosen so their keys (producer's default partitioner) cover all partitions. */
    static List<PacketEvent> packets(long tsMicros, int partitions) {
        List<PacketEvent> out = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (int host = 200; host < 250 && covered.size() < partitions; host++) {
            PacketEvent p = TestTraffic.packet(tsMicros + host, host, 9, 5000 + host, 80, true, TestTraffic.SYN, 0);
            int partition = partition(new FlowKeySelector().getKey(p), partitions);
            if (covered.add(partition)) {
                out.add(p);
            }
        }
        if (covered.size() < partitions) {
            throw new IllegalStateException("no clock flow for every partition");
        }
        return out;
    }

    /** The partition Kafka's default partitioner gives a keyed record. */
    static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
