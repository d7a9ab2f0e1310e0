package io.flowpulse.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Immutable parameters of the {@link TrafficSimulator}. {@code new SimulatorParams()} gives the
 * defaults; change one value with a {@code withX} method, e.g.
 * {@code new SimulatorParams().withSeed(7).withPacketDuration(Duration.ofSeconds(30))}.
 */
public final class SimulatorParams {
    public static final long DEFAULT_SEED = 42;
    public static final Instant DEFAULT_START = Instant.parse("2026-11-02T00:00:00Z");
    public static final Duration DEFAULT_PACKET_DURATION = Duration.ofMinutes(3);
    public static final double DEFAULT_FLOWS_PER_SECOND = 200;
    public static final int DEFAULT_DEVICES = 2;
    public static final int DEFAULT_PORTS_PER_DEVICE = 4;
    public static final Duration DEFAULT_PORT_DURATION = Duration.ofDays(14);
    public static final int DEFAULT_ANOMALIES_PER_PORT = 2;

    /** Seed of every random draw: same seed (and parameters), identical output. */
    public final long seed;
    /** Start of both the packet and the port-sample streams. */
    public final Instant start;
    /** Simulated time span of {@link TrafficSimulator#generatePackets}. */
    public final Duration packetDuration;
    /** Mean rate of new flows (Poisson arrivals), all application profiles together. */
    public final double flowsPerSecond;
    /** Number of network devices polled for port counters. */
    public final int devices;
    /** Ports per device; each port has an IN and an OUT series. */
    public final int portsPerDevice;
    /** Simulated time span of {@link TrafficSimulator#generatePortSamples}. */
    public final Duration portDuration;
    /** Most anomalies injected into one (device, port, direction) series; each series draws 0..this many. */
    public final int anomaliesPerPort;

    public SimulatorParams() {
        this(DEFAULT_SEED, DEFAULT_START, DEFAULT_PACKET_DURATION, DEFAULT_FLOWS_PER_SECOND, DEFAULT_DEVICES,
                DEFAULT_PORTS_PER_DEVICE, DEFAULT_PORT_DURATION, DEFAULT_ANOMALIES_PER_PORT);
    }

    public SimulatorParams(long seed, Instant start, Duration packetDuration, double flowsPerSecond, int devices,
            int portsPerDevice, Duration portDuration, int anomaliesPerPort) {
        this.seed = seed;
        this.start = Objects.requireNonNull(start, "start");
        this.packetDuration = Objects.requireNonNull(packetDuration, "packetDuration");
        this.portDuration = Objects.requireNonNull(portDuration, "portDuration");
        if (packetDuration.isNegative() || portDuration.isNegative()) {
            throw new IllegalArgumentException("durations must be >= 0");
        }
        if (!(flowsPerSecond >= 0) || Double.isInfinite(flowsPerSecond)) {
            throw new IllegalArgumentException("flowsPerSecond must be finite and >= 0: " + flowsPerSecond);
        }
        if (devices < 0 || portsPerDevice < 0 || anomaliesPerPort < 0) {
            throw new IllegalArgumentException("devices, portsPerDevice and anomaliesPerPort must be >= 0");
        }
        this.flowsPerSecond = flowsPerSecond;
        this.devices = devices;
        this.portsPerDevice = portsPerDevice;
        this.anomaliesPerPort = anomaliesPerPort;
    }

    public static SimulatorParams defaults() {
        return new SimulatorParams();
    }

    public SimulatorParams withSeed(long v) {
        return new SimulatorParams(v, start, packetDuration, flowsPerSecond, devices, portsPerDevice, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withStart(Instant v) {
        return new SimulatorParams(seed, v, packetDuration, flowsPerSecond, devices, portsPerDevice, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withPacketDuration(Duration v) {
        return new SimulatorParams(seed, start, v, flowsPerSecond, devices, portsPerDevice, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withFlowsPerSecond(double v) {
        return new SimulatorParams(seed, start, packetDuration, v, devices, portsPerDevice, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withDevices(int v) {
        return new SimulatorParams(seed, start, packetDuration, flowsPerSecond, v, portsPerDevice, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withPortsPerDevice(int v) {
        return new SimulatorParams(seed, start, packetDuration, flowsPerSecond, devices, v, portDuration, anomaliesPerPort);
    }

    public SimulatorParams withPortDuration(Duration v) {
        return new SimulatorParams(seed, start, packetDuration, flowsPerSecond, devices, portsPerDevice, v, anomaliesPerPort);
    }

    public SimulatorParams withAnomaliesPerPort(int v) {
        return new SimulatorParams(seed, start, packetDuration, flowsPerSecond, devices, portsPerDevice, portDuration, v);
    }

    @Override
    public String toString() {
        return "SimulatorParams{seed=" + seed + ", start=" + start + ", packetDuration=" + packetDuration
                + ", flowsPerSecond=" + flowsPerSecond + ", devices=" + devices + ", portsPerDevice=" + portsPerDevice
                + ", portDuration=" + portDuration + ", anomaliesPerPort=" + anomaliesPerPort + "}";
    }
}
