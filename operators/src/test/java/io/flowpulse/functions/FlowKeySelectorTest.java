package io.flowpulse.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.flowpulse.records.PacketEvent;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FlowKeySelectorTest {
    private static PacketEvent packet(byte[] src, int srcPort, byte[] dst, int dstPort, Integer vlan) {
        return PacketEvent.newBuilder().setTimestampMicros(0).setSrcIp(ByteBuffer.wrap(src)).setDstIp(ByteBuffer.wrap(dst))
                .setSrcPort(srcPort).setDstPort(dstPort).setProtocol(6).setLinkLength(60).setIpLength(40)
                .setL4HeaderLength(20).setPayloadLength(0).setVlanId(vlan).build();
    }

    @Test
    void bothDirectionsShareAKeyAndVlansSeparateFlows() {
        byte[] a = {10, 0, 0, 1};
        byte[] b = {10, 0, 0, 2};
        FlowKeySelector keys = new FlowKeySelector();
        assertEquals(keys.getKey(packet(a, 1000, b, 80, null)), keys.getKey(packet(b, 80, a, 1000, null)));
        assertEquals("6|0a000001:1000|0a000002:80", keys.getKey(packet(b, 80, a, 1000, null)), "untagged key unchanged");
        assertEquals(keys.getKey(packet(a, 1000, b, 80, 7)), keys.getKey(packet(b, 80, a, 1000, 7)));
        assertNotEquals(keys.getKey(packet(a, 1000, b, 80, 7)), keys.getKey(packet(a, 1000, b, 80, 8)));
        assertNotEquals(keys.getKey(packet(a, 1000, b, 80, null)), keys.getKey(packet(a, 1000, b, 80, 7)));
    }
}
