package io.flowpulse.bench;

import java.util.Arrays;

/** Per output record: when it became due (event time, ms) and when it arrived (µs on the run's clock). */
final class OutputTimes {
    private long[] due = new long[1024];
    private long[] arrivedMicros = new long[1024];
    private int size;

    synchronized void add(long dueMillis, long atMicros) {
        if (size == due.length) {
            due = Arrays.copyOf(due, size * 2);
            arrivedMicros = Arrays.copyOf(arrivedMicros, size * 2);
        }
        due[size] = dueMillis;
        arrivedMicros[size] = atMicros;
        size++;
    }

    synchronized void addAll(OutputTimes o) {
        for (int i = 0; i < o.size; i++) {
            add(o.due[i], o.arrivedMicros[i]);
        }
    }

    synchronized int size() {
        return size;
    }

    synchronized long due(int i) {
        return due[i];
    }

    synchronized long arrivedMicros(int i) {
        return arrivedMicros[i];
    }

    synchronized long lastArrivalMicros() {
        long max = Long.MIN_VALUE;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, arrivedMicros[i]);
        }
        return max;
    }
}
