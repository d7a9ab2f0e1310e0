package io.flowpulse.sim;

import java.time.Duration;
import java.time.Instant;

/** Placeholder parameters (replaced by the full simulator's). */
public final class SimulatorParams {
    public long seed = 42;
    public Instant start = Instant.parse("2026-11-02T00:00:00Z");
    public Duration packetDuration = Duration.ofMinutes(3);
    public double flowsPerSecond = 200;
    public int devices = 2;
    public int portsPerDevice = 4;
    public Duration portDuration = Duration.ofDays(14);
    public int anomaliesPerPort = 1;
}
