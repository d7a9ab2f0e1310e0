package io.flowpulse.console;

import io.flowpulse.records.AnomalyScore;

/**
 * The recent anomaly points of one port key in a ring of primitive arrays (about 50 bytes a point):
 * the arrays grow by doubling up to {@code capacity}, then the oldest point is overwritten, so
 * memory per key never exceeds capacity x 50 bytes whatever the topic holds. Points arrive in
 * bucket order per key (the job emits them so); a point for the bucket already newest replaces it.
 */
final class PortSeries {
    final String device;
    final String port;
    final String direction;
    static final int INITIAL = 64;
    private final int capacity;
    private long[] bucket;
    private double[] value;
    private double[] expected;
    private double[] lower;
    private double[] upper;
    private double[] score;
    private boolean[] anomalous;
    private int start;
    private int size;
    private long anomalousSeen;
    String modelId = "";

    PortSeries(String device, String port, String direction, int capacity) {
        this.device = device;
        this.port = port;
        this.direction = direction;
        this.capacity = capacity;
        allocate(Math.min(capacity, INITIAL));
    }

    private void allocate(int n) {
        bucket = new long[n];
        value = new double[n];
        expected = new double[n];
        lower = new double[n];
        upper = new double[n];
        score = new double[n];
        anomalous = new boolean[n];
    }

    /** Doubles the arrays (up to capacity), the held points first and in order. */
    private void grow() {
        long[] b = bucket;
        double[] v = value;
        double[] e = expected;
        double[] lo = lower;
        double[] up = upper;
        double[] sc = score;
        boolean[] an = anomalous;
        int old = b.length;
        allocate(Math.min(capacity, old * 2));
        for (int k = 0; k < size; k++) {
            int i = (start + k) % old;
            bucket[k] = b[i];
            value[k] = v[i];
            expected[k] = e[i];
            lower[k] = lo[i];
            upper[k] = up[i];
            score[k] = sc[i];
            anomalous[k] = an[i];
        }
        start = 0;
    }

    int allocated() {
        return bucket.length;
    }

    void add(AnomalyScore s) {
        if (size == bucket.length && bucket.length < capacity) {
            grow();
        }
        int i;
        if (size > 0 && bucket[idx(size - 1)] == s.getBucketEndMillis()) {
            i = idx(size - 1); // a re-emitted bucket (replay, restart): replace
        } else if (size < bucket.length) {
            i = idx(size);
            size++;
        } else {
            i = start;
            start = (start + 1) % bucket.length;
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
