package io.flowpulse.sim;

import java.util.SplittableRandom;

/**
 * Simulated address plan: clients in 10.20.0.0/16, internal servers in 10.30.0.0/16, IoT devices
 * in 10.40.0.0/16, public servers in the documentation ranges 203.0.113.0/24 and 198.51.100.0/24,
 * the scanner in 192.0.2.0/24. Popular servers are picked more often (Zipf-like).
 */
final class Hosts {
    private static final int CLIENTS = 400;

    byte[] client(SplittableRandom r) {
        int i = r.nextInt(CLIENTS);
        return ip(10, 20, i / 250, 2 + i % 250);
    }

    /** Linux ephemeral port range. */
    int ephemeralPort(SplittableRandom r) {
        return 32768 + r.nextInt(61000 - 32768);
    }

    byte[] webServer(SplittableRandom r) {
        int i = zipf(r, 200);
        return i < 100 ? ip(203, 0, 113, 1 + i) : ip(198, 51, 100, 1 + i - 100);
    }

    byte[] videoServer(SplittableRandom r) {
        return ip(198, 51, 100, 150 + zipf(r, 20));
    }

    byte[] resolver() {
        return ip(10, 20, 255, 53);
    }

    byte[] sshServer(SplittableRandom r) {
        return ip(10, 30, 0, 1 + zipf(r, 30));
    }

    byte[] bulkServer(SplittableRandom r) {
        return ip(10, 30, 1, 1 + zipf(r, 10));
    }

    byte[] iotDevice(SplittableRandom r) {
        int i = r.nextInt(5000);
        return ip(10, 40, i / 250, 2 + i % 250);
    }

    byte[] iotBroker() {
        return ip(198, 51, 100, 200);
    }

    byte[] scanner() {
        return ip(192, 0, 2, 66);
    }

    byte[] scanTarget(SplittableRandom r) {
        return client(r);
    }

    /** Index in [0, n) with probability ~ 1/(i+1). */
    private static int zipf(SplittableRandom r, int n) {
        double h = StrictMath.log(n + 1.0);
        int i = (int) Math.floor(StrictMath.exp(r.nextDouble() * h) - 1);
        return Math.min(n - 1, Math.max(0, i));
    }

    static byte[] ip(int a, int b, int c, int d) {
        return new byte[] {(byte) a, (byte) b, (byte) c, (byte) d};
    }
}
