package io.flowpulse.sim;

import io.flowpulse.records.Direction;
import io.flowpulse.records.PacketEvent;
import io.flowpulse.records.PortSample;
import io.flowpulse.records.SampleKind;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** Placeholder simulator (replaced by the full one): a few TCP conversations and sine-shaped counters. */
public final class TrafficSimulator {
    private final SimulatorParams params;

    public TrafficSimulator(SimulatorParams params) {
        this.params = params;
    }

    public void generatePackets(Consumer<PacketEvent> sink) {
        Random r = new Random(params.seed);
        long t = params.start.toEpochMilli() * 1000;
        long end = t + params.packetDuration.toNanos() / 1000;
        int flow = 0;
        while (t < end) {
            int sport = 30000 + (flow++ % 30000);
            byte[] c = {10, 0, 0, (byte) (1 + r.nextInt(200))};
            byte[] s = {10, 0, 1, (byte) (1 + r.nextInt(20))};
            for (int i = 0; i < 6; i++) {
                boolean fwd = i % 2 == 0;
                int payload = i == 0 || i == 5 ? 0 : 100 + r.nextInt(1000);
                sink.accept(PacketEvent.newBuilder().setTimestampMicros(t + i * 1000)
                        .setSrcIp(ByteBuffer.wrap(fwd ? c : s)).setDstIp(ByteBuffer.wrap(fwd ? s : c))
                        .setSrcPort(fwd ? sport : 443).setDstPort(fwd ? 443 : sport).setProtocol(6)
                        .setLinkLength(54 + payload).setIpLength(40 + payload).setL4HeaderLength(20)
                        .setPayloadLength(payload).setTcpFlags(i == 0 ? 2 : i == 5 ? 4 : 24).setTcpWindow(64240).build());
            }
            t += (long) (1_000_000 / params.flowsPerSecond);
        }
    }

    public void generatePortSamples(Consumer<PortSample> sink) {
        long start = params.start.toEpochMilli();
        long end = start + params.portDuration.toMillis();
        long[] counters = new long[params.devices * params.portsPerDevice * 2];
        for (long t = start; t < end; t += 300_000) {
            int i = 0;
            for (int d = 0; d < params.devices; d++) {
                for (int p = 0; p < params.portsPerDevice; p++) {
                    for (Direction dir : Direction.values()) {
                        double hour = ((t - start) / 3_600_000.0) % 24;
                        counters[i] += (long) (1e8 * (1.5 + Math.sin(hour / 24 * 2 * Math.PI)));
                        sink.accept(PortSample.newBuilder().setDevice("sw" + d).setPort("eth" + p).setDirection(dir)
                                .setTimestampMillis(t).setKind(SampleKind.COUNTER).setBytes(counters[i++]).build());
                    }
                }
            }
        }
    }

    public List<InjectedAnomaly> injectedAnomalies() {
        return List.of();
    }
}
