package io.flowpulse.console;

import io.flowpulse.records.AnomalyScore;

/**
 * The recent anomaly points of one port key in a fixed ring of primitive arrays: memory per key is
 * fixed at construction (about 50 bytes a point) whatever the topic holds. Points arrive in bucket
 * order per key (the job emits them so); a point for a bucket already held replaces it.
 */
final class PortSeries {
    final String device;
    final String port;
    final String direction;
    private final long[] bucket;
    private final double[] value;
    private final double[] expected;
    private final double[] lower;
    private final double[] upper;
    private final double[] score;
    private final boolean[] anomalous;
    private int start;
    private int size;
    private long anomalousSeen;
    String modelId = "";

    PortSeries(String device, String port, String direction, int capacity) {
        this.device = device;
        this.port = port;
        this.direction = direction;
        bucket = new long[capacity];
        value = new double[capacity];
        expected = new double[capacity];
        lower = new double[capacity];
        upper = new double[capacity];
        score = new double[capacity];
        anomalous = new boolean[capacity];
    }

    void add(AnomalyScore s) {
        int capacity = bucket.length;
        int i;
        if (size > 0 && bucket[idx(size - 1)] == s.getBucketEndMillis()) {
            i = idx(size - 1); // a re-emitted bucket (replay, restart): replace
        } else if (size < capacity) {
            i = idx(size);
            size++;
        } else {
            i = start;
            start = (start + 1) % capacity;
        }
        bucket[i] = s.getBucketEndMillis();
        value[i] = s.getValue();
        expected[i] = s.getExpected();
        lower[i] = s.getLower();
        upper[i] = s.getUpper();
        score[i] = s.getScore();
        anomalous[i] = s.getAnomalous();
        if (s.getAnomalous()) {
            anomalousSeen++;
        }
        modelId = s.getModelId();
    }

    private int idx(int k) {
        return (start + k) % bucket.length;
    }

    int size() {
        return size;
    }

    long lastBucket() {
        return size == 0 ? Long.MIN_VALUE : bucket[idx(size - 1)];
    }

    double lastValue() {
        return size == 0 ? Double.NaN : value[idx(size - 1)];
    }

    double lastScore() {
        return size == 0 ? Double.NaN : score[idx(size - 1)];
    }

    boolean lastAnomalous() {
        return size > 0 && anomalous[idx(size - 1)];
    }

    long anomalousSeen() {
        return anomalousSeen;
    }

    int anomalousHeld() {
        int n = 0;
        for (int k = 0; k < size; k++) {
            if (anomalous[idx(k)]) {
                n++;
            }
        }
        return n;
    }

    /** The held points with bucket end in [from, to], oldest first, as columns for the chart. */
    ConsoleViews.Series columns(long from, long to) {
        int n = 0;
        for (int k = 0; k < size; k++) {
            long b = bucket[idx(k)];
            if (b >= from && b <= to) {
                n++;
            }
        }
        ConsoleViews.Series s = new ConsoleViews.Series(n);
        int j = 0;
        for (int k = 0; k < size; k++) {
            int i = idx(k);
            if (bucket[i] < from || bucket[i] > to) {
                continue;
            }
            s.t[j] = bucket[i];
            s.value[j] = value[i];
            s.expected[j] = expected[i];
            s.lower[j] = lower[i];
            s.upper[j] = upper[i];
            s.score[j] = score[i];
            s.anomalous[j] = anomalous[i];
            j++;
        }
        return s;
    }
}
