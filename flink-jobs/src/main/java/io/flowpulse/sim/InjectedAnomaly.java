package io.flowpulse.sim;

/** Placeholder ground-truth record (replaced by the full simulator's). */
public record InjectedAnomaly(String device, String port, String direction, long startMillis, long endMillis, String kind) {}
