package io.flowpulse.cli;

import io.flowpulse.sim.AppProfile;
import io.flowpulse.sim.SimulatorParams;
import io.flowpulse.sim.TrafficSimulator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import io.flowpulse.records.PacketEvent;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./flowpulse simulate}: runs the {@link TrafficSimulator} without Kafka or Flink and prints
 * what it produced (packets per profile, bytes, rates, port samples, injected anomalies) and how
 * fast it generated them.
 */
@Command(name = "simulate", description = "run the traffic simulator and print its output statistics and generation speed")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--seed", paramLabel = "N", description = "simulator seed (default 42)")
    Long seed;

    @Option(names = "--duration", paramLabel = "DURATION", description = "simulated packet traffic (e.g. 90s, 3m)")
    Duration duration;

    @Option(names = "--flows-per-second", paramLabel = "F", description = "new flows per second")
    Double flowsPerSecond;

    @Option(names = "--devices", paramLabel = "N", description = "simulated devices")
    Integer devices;

    @Option(names = "--ports-per-device", paramLabel = "N", description = "ports per device")
    Integer portsPerDevice;

    @Option(names = "--port-days", paramLabel = "D", description = "days of port counters")
    Long portDays;

    @Option(names = "--anomalies-per-port", paramLabel = "N", description = "injected anomalies per port")
    Integer anomaliesPerPort;

    @Override
    public Integer call() {
        SimulatorParams params = new SimulatorParams();
        try {
            if (seed != null) {
                params = params.withSeed(seed);
            }
            if (duration != null) {
                params = params.withPacketDuration(duration);
            }
            if (flowsPerSecond != null) {
                params = params.withFlowsPerSecond(flowsPerSecond);
            }
            if (devices != null) {
                params = params.withDevices(devices);
            }
            if (portsPerDevice != null) {
                params = params.withPortsPerDevice(portsPerDevice);
            }
            if (portDays != null) {
                params = params.withPortDuration(Duration.ofDays(portDays));
            }
            if (anomaliesPerPort != null) {
                params = params.withAnomaliesPerPort(anomaliesPerPort);
            }
        } catch (IllegalArgumentException e) {
            throw UserError.usage(e.getMessage());
        }
        TrafficSimulator sim = new TrafficSimulator(params);
        Map<AppProfile, long[]> perProfile = new EnumMap<>(AppProfile.class);
        long t0 = System.nanoTime();
        sim.generatePackets((PacketEvent p) -> {
            long[] c = perProfile.computeIfAbsent(AppProfile.valueOf(
                    p.getSourceId().substring(4).toUpperCase(Locale.ROOT)), k -> new long[2]);
            c[0]++;
            c[1] += p.getLinkLength();
        });
        double packetSeconds = (System.nanoTime() - t0) / 1e9;
        long packets = perProfile.values().stream().mapToLong(c -> c[0]).sum();
        long bytes = perProfile.values().stream().mapToLong(c -> c[1]).sum();
        double simSeconds = params.packetDuration.toMillis() / 1000.0;
        System.out.println(params);
        System.out.printf(Locale.ROOT, "packets: %,d over %.0f s simulated (%,.0f packets/s, %.1f Mbit/s), generated in %.2f s (%,.0f packets/s)%n",
                packets, simSeconds, packets / simSeconds, bytes * 8 / simSeconds / 1e6, packetSeconds, packets / packetSeconds);
        perProfile.forEach((k, c) -> System.out.printf(Locale.ROOT, "  %-6s %,10d packets %,14d bytes%n", k, c[0], c[1]));
        long[] samples = {0};
        t0 = System.nanoTime();
        sim.generatePortSamples(s -> samples[0]++);
        System.out.printf(Locale.ROOT, "port samples: %,d generated in %.2f s%n", samples[0], (System.nanoTime() - t0) / 1e9);
        sim.injectedAnomalies().forEach(a -> System.out.println("  anomaly " + a));
        sim.injectedCounterResets().forEach(r -> System.out.println("  counter reset " + r));
        return 0;
    }
}
