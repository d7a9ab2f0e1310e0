package io.flowpulse.sim;

/**
 * Ground truth of a counter reset ("clear counters" or agent restart): every COUNTER of the device
 * restarts from 0 at {@code atMillis}; traffic itself continues unchanged.
 */
public record InjectedCounterReset(String device, long atMillis) {}
