package io.flowpulse.functions;

import io.flowpulse.records.FlowPacket;
import io.flowpulse.records.FlowPacketKey;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Bidirectional 5-tuple (+ VLAN) key of a {@link FlowPacket} as a binary {@link FlowPacketKey}:
 * both directions of a conversation get the same key. Same grouping as {@link FlowKeySelector}'s
 * string key, without formatting a string twice per packet.
 */
public class FlowPacketKeySelector implements KeySelector<FlowPacket, FlowPacketKey> {
    private static final long serialVersionUID = 1L;

    @Override
    public FlowPacketKey getKey(FlowPacket p) {
        return FlowPacketKey.of(p);
    }
}
