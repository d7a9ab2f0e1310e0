package io.flowpulse.sim;

import io.flowpulse.cli.Command;
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
public final class SimulateCommand implements Command {
    @Override
    public String name() {
        return "simulate";
    }

    @Override
    public String summary() {
        return "run the traffic simulator and print its output statistics and generation speed";
    }

    @Override
    public int run(String[] args) {
        SimulatorParams params = new SimulatorParams();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: ./flowpulse simulate [--seed N] [--duration 3m|90s] [--flows-per-second F]"
                        + " [--devices N] [--ports-per-device N] [--port-days D] [--anomalies-per-port N]");
                return 0;
            }
            if (i + 1 >= args.length) {
                System.err.println("missing value for " + a);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--seed" -> params = params.withSeed(Long.parseLong(v));
                case "--duration" -> params = params.withPacketDuration(parseDuration(v));
                case "--flows-per-second" -> params = params.withFlowsPerSecond(Double.parseDouble(v));
                case "--devices" -> params = params.withDevices(Integer.parseInt(v));
                case "--ports-per-device" -> params = params.withPortsPerDevice(Integer.parseInt(v));
                case "--port-days" -> params = params.withPortDuration(Duration.ofDays(Long.parseLong(v)));
                case "--anomalies-per-port" -> params = params.withAnomaliesPerPort(Integer.parseInt(v));
                default -> {
                    System.err.println("unknown option " + a);
                    return 2;
                }
            }
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

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.parse(v);
        };
    }
}
