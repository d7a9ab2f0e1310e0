package io.flowpulse.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.functions.FlowKeySelector;
import io.flowpulse.records.Direction;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrafficSimulatorTest {
    private static final SimulatorParams SHORT = new SimulatorParams().withPacketDuration(Duration.ofSeconds(30));
    private static List<PacketEvent> packets;
    private static TrafficSimulator portSimulator;
    private static List<PortSample> samples;

    @BeforeAll
    static void generate() {
        packets = packets(SHORT);
        portSimulator = new TrafficSimulator(new SimulatorParams());
        samples = new ArrayList<>();
        portSimulator.generatePortSamples(samples::add);
    }

    private static List<PacketEvent> packets(SimulatorParams params) {
        List<PacketEvent> out = new ArrayList<>();
        new TrafficSimulator(params).generatePackets(out::add);
        return out;
    }

    @Test
    void sameSeedGivesIdenticalOutputAndOtherSeedDiffers() {
        assertEquals(packets, packets(SHORT));
        List<PortSample> again = new ArrayList<>();
        new TrafficSimulator(new SimulatorParams()).generatePortSamples(again::add);
        assertEquals(samples, again);
        assertEquals(portSimulator.injectedAnomalies(), new TrafficSimulator(new SimulatorParams()).injectedAnomalies());

        assertNotEquals(packets, packets(SHORT.withSeed(7)));
        assertNotEquals(portSimulator.injectedAnomalies(),
                new TrafficSimulator(new SimulatorParams().withSeed(7)).injectedAnomalies());
    }

    @Test
    void packetsAreInTimeOrderInsideTheWindow() {
        long start = SHORT.start.toEpochMilli() * 1000;
        long end = start + SHORT.packetDuration.toNanos() / 1000;
        assertTrue(packets.size() > 10_000, "packets: " + packets.size());
        long previous = Long.MIN_VALUE;
        for (PacketEvent p : packets) {
            assertTrue(p.getTimestampMicros() >= previous, "out of order at " + p);
            assertTrue(p.getTimestampMicros() >= start && p.getTimestampMicros() < end);
            previous = p.getTimestampMicros();
        }
    }

    @Test
    void packetFieldsAreConsistent() {
        for (PacketEvent p : packets) {
            assertEquals(4, p.getIpVersion());
            assertEquals(4, p.getSrcIp().remaining());
            assertEquals(4, p.getDstIp().remaining());
            assertEquals(20, p.getIpHeaderLength());
            assertEquals(p.getIpLength() + 14, p.getLinkLength());
            assertEquals(p.getIpHeaderLength() + p.getL4HeaderLength() + p.getPayloadLength(), p.getIpLength());
            assertTrue(p.getIpLength() <= 1500, "exceeds the MTU: " + p);
            assertTrue(p.getPayloadLength() >= 0);
            if (p.getProtocol() == 17) {
                assertEquals(8, p.getL4HeaderLength());
                assertEquals(0, p.getTcpFlags());
                assertEquals(0, p.getTcpWindow());
                assertTrue(p.getPayloadLength() > 0);
            } else {
                assertEquals(6, p.getProtocol());
                assertTrue(Set.of(20, 24, 32, 40).contains(p.getL4HeaderLength()), "tcp header " + p);
                int flags = p.getTcpFlags();
                if ((flags & FlowScript.SYN) != 0) {
                    assertEquals(0, p.getPayloadLength());
                    assertTrue(p.getL4HeaderLength() >= 24, "SYN carries options");
                }
                if ((flags & FlowScript.RST) != 0) {
                    assertEquals(0, p.getTcpWindow());
                }
                assertTrue(p.getTcpWindow() >= 0 && p.getTcpWindow() <= 65535);
            }
        }
    }

    @Test
    void everyProfileIsPresentAndTcpFlowsFollowTheHandshake() {
        Map<AppProfile, Integer> perProfile = new EnumMap<>(AppProfile.class);
        Map<String, List<PacketEvent>> flows = new HashMap<>();
        for (PacketEvent p : packets) {
            perProfile.merge(AppProfile.valueOf(p.getSourceId().substring(4).toUpperCase()), 1, Integer::sum);
            flows.computeIfAbsent(key(p), k -> new ArrayList<>()).add(p);
        }
        assertEquals(Set.of(AppProfile.values()), perProfile.keySet(), "profiles " + perProfile);
        int handshakes = 0;
        int fins = 0;
        int resets = 0;
        for (List<PacketEvent> flow : flows.values()) {
            PacketEvent first = flow.get(0);
            if (first.getProtocol() != 6) {
                continue;
            }
            // 5-tuples are drawn at random, so a rare reuse joins two flows: check the first one only
            assertEquals(FlowScript.SYN, first.getTcpFlags(), "first packet of a TCP flow is a SYN: " + first);
            if (flow.size() >= 2 && !first.getSourceId().equals("sim:scan")) {
                PacketEvent second = flow.get(1);
                assertEquals(FlowScript.SYN | FlowScript.ACK, second.getTcpFlags());
                assertEquals(first.getDstPort(), second.getSrcPort());
                handshakes++;
            }
            PacketEvent last = flow.get(flow.size() - 1);
            if ((last.getTcpFlags() & FlowScript.RST) != 0) {
                resets++;
            } else if (flow.size() >= 3 && (flow.get(flow.size() - 2).getTcpFlags() & FlowScript.FIN) != 0) {
                fins++;
            }
        }
        assertTrue(handshakes > 100 && fins > 50 && resets > 50, handshakes + " " + fins + " " + resets);
    }

    @Test
    void videoIsDownstreamHeavyAndSshKeystrokesAreSmall() {
        long videoDown = 0;
        long videoUp = 0;
        int sshKeystrokes = 0;
        for (PacketEvent p : packets) {
            if (p.getSourceId().equals("sim:video")) {
                if (p.getSrcPort() == 443) {
                    videoDown += p.getPayloadLength();
                } else {
                    videoUp += p.getPayloadLength();
                }
            } else if (p.getSourceId().equals("sim:ssh") && p.getPayloadLength() == 36) {
                sshKeystrokes++;
            }
        }
        assertTrue(videoDown > 50 * videoUp, "video down " + videoDown + " up " + videoUp);
        assertTrue(sshKeystrokes > 100, "ssh keystrokes " + sshKeystrokes);
    }

    @Test
    void portSamplesAreOrderedAndCoverEverySeries() {
        SimulatorParams p = portSimulator.params();
        long previous = Long.MIN_VALUE;
        Set<String> series = new HashSet<>();
        for (PortSample s : samples) {
            assertTrue(s.getTimestampMillis() >= previous);
            previous = s.getTimestampMillis();
            series.add(s.getDevice() + "|" + s.getPort() + "|" + s.getDirection());
            assertTrue(s.getBytes() >= 0);
            if (s.getCounterBits() == 32) {
                assertTrue(s.getBytes() < (1L << 32));
            }
        }
        assertEquals(p.devices * p.portsPerDevice * 2, series.size());
        long polls = p.portDuration.toMillis() / TrafficSimulator.POLL_INTERVAL_MILLIS;
        assertTrue(samples.size() > 0.99 * polls * series.size() && samples.size() <= polls * series.size());
    }

    @Test
    void everyInjectedAnomalyIsVisibleInTheCounters() {
        List<InjectedAnomaly> anomalies = portSimulator.injectedAnomalies();
        assertTrue(anomalies.size() >= 4, "anomalies " + anomalies);
        assertTrue(anomalies.stream().map(InjectedAnomaly::kind).distinct().count() >= 2);
        Map<String, List<PortSample>> bySeries = bySeries();
        for (InjectedAnomaly a : anomalies) {
            List<PortSample> s = bySeries.get(a.device() + "|" + a.port() + "|" + a.direction());
            double observed = 0;
            double baseline = 0;
            for (int i = 1; i < s.size(); i++) {
                long from = s.get(i - 1).getTimestampMillis();
                long to = s.get(i).getTimestampMillis();
                if (from >= a.startMillis() && to <= a.endMillis()) {
                    observed += delta(s.get(i - 1), s.get(i));
                    baseline += portSimulator.baselineBytes(a.device(), a.port(), a.direction(), from, to);
                }
            }
            double ratio = observed / baseline;
            assertTrue(ratio > a.factor() * 0.6 && ratio < a.factor() * 1.6,
                    a + " observed/baseline " + ratio);
            if (a.kind() == InjectedAnomaly.Kind.SPIKE) {
                assertTrue(ratio > 2, a + " ratio " + ratio);
            } else if (a.kind() == InjectedAnomaly.Kind.DROP) {
                assertTrue(ratio < 0.3, a + " ratio " + ratio);
            }
        }
    }

    @Test
    void thirtyTwoBitCountersWrapAndResetsRestartTheCounters() {
        Map<String, List<PortSample>> bySeries = bySeries();
        List<InjectedCounterReset> resets = portSimulator.injectedCounterResets();
        assertEquals(portSimulator.params().devices, resets.size());
        int wraps = 0;
        for (List<PortSample> s : bySeries.values()) {
            for (int i = 1; i < s.size(); i++) {
                PortSample prev = s.get(i - 1);
                PortSample cur = s.get(i);
                boolean resetHere = resets.stream().anyMatch(r -> r.device().equals(cur.getDevice())
                        && r.atMillis() > prev.getTimestampMillis() && r.atMillis() <= cur.getTimestampMillis());
                if (resetHere) {
                    long sinceReset = cur.getBytes();
                    // the counter restarted from 0: at most one interval of traffic on it
                    assertTrue(sinceReset < 3 * 300 * 1e9, "counter after reset " + cur);
                    if (cur.getCounterBits() == 64) {
                        assertTrue(cur.getBytes() < prev.getBytes(), "64-bit counter decreases at a reset");
                    }
                } else if (cur.getBytes() < prev.getBytes()) {
                    assertEquals(32, cur.getCounterBits(), "only 32-bit counters wrap: " + prev + " -> " + cur);
                    wraps++;
                }
            }
        }
        assertTrue(wraps > 100, "wraps " + wraps);
    }

    private static Map<String, List<PortSample>> bySeries() {
        Map<String, List<PortSample>> bySeries = new HashMap<>();
        for (PortSample s : samples) {
            bySeries.computeIfAbsent(s.getDevice() + "|" + s.getPort() + "|" + s.getDirection(), k -> new ArrayList<>()).add(s);
        }
        return bySeries;
    }

    private static long delta(PortSample prev, PortSample cur) {
        long d = cur.getBytes() - prev.getBytes();
        return d >= 0 ? d : d + (1L << 32);
    }

    private static String key(PacketEvent p) {
        return FlowKeySelector.canonicalKey(p.getSrcIp(), p.getSrcPort(), p.getDstIp(), p.getDstPort(), p.getProtocol());
    }

    @Test
    void directionsOfAPortAreBothPresent() {
        assertFalse(samples.stream().noneMatch(s -> s.getDirection() == Direction.OUT));
    }
}
