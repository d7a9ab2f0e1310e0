package io.flowpulse.sim;

import static io.flowpulse.sim.Draws.exponential;
import static io.flowpulse.sim.Draws.geometric;
import static io.flowpulse.sim.Draws.logNormal;
import static io.flowpulse.sim.Draws.uniform;

import java.util.SplittableRandom;

/**
 * Writes the packets of one flow per application profile. Sizes and timings follow published
 * measurements loosely: TLS 1.3 handshakes of 4-6 KB, heavy-tailed HTTP responses (log-normal,
 * median ~4 KB), DASH segments of 2-6 s at 1-8 Mbit/s, 36-byte SSH keystroke packets with
 * ~180 ms inter-key times, MQTT telemetry at fixed periods.
 */
final class FlowScripts {
    private static final long MS = 1_000;
    private static final long S = 1_000_000;

    private final Hosts hosts;
    private final long endMicros;

    FlowScripts(Hosts hosts, long endMicros) {
        this.hosts = hosts;
        this.endMicros = endMicros;
    }

    FlowScript create(AppProfile profile, long t0, SplittableRandom r) {
        return switch (profile) {
            case WEB -> web(t0, r);
            case VIDEO -> video(t0, r);
            case DNS -> dns(t0, r);
            case SSH -> ssh(t0, r);
            case BULK -> bulk(t0, r);
            case IOT -> iot(t0, r);
            case SCAN -> throw new IllegalArgumentException("scan probes are created by scanProbe");
        };
    }

    private FlowScript tcp(AppProfile profile, byte[] server, int serverPort, SplittableRandom r) {
        FlowScript f = new FlowScript(profile, hosts.client(r), hosts.ephemeralPort(r), server, serverPort,
                FlowScript.TCP, endMicros, r);
        f.clientWindow = 502 + 64 * r.nextInt(24);
        f.serverWindow = 501 + 32 * r.nextInt(16);
        return f;
    }

    /** TLS 1.3: ClientHello, ServerHello..Finished (certificates), client Finished, session tickets. */
    private static long tlsHandshake(FlowScript f, long t, SplittableRandom r) {
        long hello = t + 200 + r.nextInt(1_500);
        f.send(hello, true, 517 + r.nextInt(1_300));
        long serverFlight = f.send(hello + f.rttMicros + 300 + r.nextInt(3_000), false, 2_500 + r.nextInt(3_500));
        long finished = serverFlight + 500 + r.nextInt(2_000);
        f.send(finished, true, 64 + r.nextInt(64));
        return f.sendAcked(finished + f.rttMicros, false, 200 + r.nextInt(300));
    }

    FlowScript web(long t0, SplittableRandom r) {
        FlowScript f = tcp(AppProfile.WEB, hosts.webServer(r), r.nextDouble() < 0.93 ? 443 : 80, r);
        f.rttMicros = (long) logNormal(r, 25 * MS, 0.6, 2 * MS, 300 * MS);
        f.bandwidthBytesPerSecond = logNormal(r, 6e6, 0.8, 3e5, 6e7);
        long t = f.handshake(t0);
        if (f.serverPort == 443) {
            t = tlsHandshake(f, t, r);
        }
        int requests = Math.min(40, geometric(r, 3));
        for (int i = 0; i < requests && !f.ended(t); i++) {
            long think = i == 0 ? 100 + r.nextInt(2_000)
                    : r.nextDouble() < 0.7 ? (long) logNormal(r, 30 * MS, 1.0, MS, 2 * S)
                    : (long) logNormal(r, 2 * S, 1.2, 200 * MS, 30 * S);
            long request = (long) logNormal(r, 450, 0.4, 120, 4_000);
            long server = (long) logNormal(r, 15 * MS, 1.0, MS, 2 * S);
            long response = (long) logNormal(r, 4_000, 1.2, 200, 3_000_000);
            t = f.exchange(t + think, request, server, response);
        }
        double end = r.nextDouble();
        if (end < 0.45) {
            f.close(t + (long) uniform(r, 5.0 * S, 65.0 * S), false); // server keep-alive timeout
        } else if (end < 0.8) {
            f.close(t + (long) logNormal(r, S, 1.0, 10 * MS, 10 * S), true);
        } else {
            f.reset(t + (long) logNormal(r, 500 * MS, 1.0, MS, 10 * S), true); // tab closed
        }
        return f.seal();
    }

    FlowScript video(long t0, SplittableRandom r) {
        FlowScript f = tcp(AppProfile.VIDEO, hosts.videoServer(r), 443, r);
        f.rttMicros = (long) logNormal(r, 20 * MS, 0.5, 3 * MS, 200 * MS);
        double bitrate = logNormal(r, 2e6, 0.5, 8e5, 8e6) / 8; // bytes per second
        f.bandwidthBytesPerSecond = bitrate * uniform(r, 3.0, 12.0);
        long segmentMicros = (2 + 2 * r.nextInt(3)) * S;
        long watch = (long) logNormal(r, 30 * S, 0.7, 8 * S, 1_200 * S);
        long t = tlsHandshake(f, f.handshake(t0), r);
        long playStart = t;
        int segment = 0;
        long due = t;
        while (t - playStart < watch && !f.ended(t)) {
            long request = 400 + r.nextInt(300);
            long bytes = (long) (bitrate * segmentMicros / 1e6 * logNormal(r, 1.0, 0.2));
            long start = Math.max(due, t + 200);
            t = f.exchange(start, request, (long) logNormal(r, 5 * MS, 0.8, 500, 200 * MS), bytes);
            segment++;
            // fill a 3-segment buffer first, then fetch one segment per segment duration
            due = segment < 3 ? t + 1_000 : start + segmentMicros;
        }
        f.close(t + (long) logNormal(r, 2 * S, 1.0, 10 * MS, 20 * S), true);
        return f.seal();
    }

    FlowScript dns(long t0, SplittableRandom r) {
        FlowScript f = new FlowScript(AppProfile.DNS, hosts.client(r), hosts.ephemeralPort(r), hosts.resolver(), 53,
                FlowScript.UDP, endMicros, r);
        int query = 28 + r.nextInt(30) + (r.nextDouble() < 0.6 ? 11 : 0); // header + qname + EDNS0 OPT
        f.udp(t0, true, query);
        if (r.nextDouble() < 0.97) {
            boolean cached = r.nextDouble() < 0.7;
            long rtt = cached ? (long) logNormal(r, 800, 0.5, 150, 10 * MS) : (long) logNormal(r, 35 * MS, 0.7, 5 * MS, 800 * MS);
            f.udp(t0 + rtt, false, query + 16 + r.nextInt(r.nextDouble() < 0.9 ? 120 : 400));
        }
        return f.seal();
    }

    FlowScript ssh(long t0, SplittableRandom r) {
        FlowScript f = tcp(AppProfile.SSH, hosts.sshServer(r), 22, r);
        f.rttMicros = (long) logNormal(r, 8 * MS, 0.8, 300, 150 * MS);
        f.bandwidthBytesPerSecond = logNormal(r, 1e7, 0.6, 1e6, 1e8);
        long t = f.handshake(t0);
        // banners (server speaks first), KEXINIT, ECDH (curve25519 or the sntrup hybrid), NEWKEYS, user auth
        t = f.sendAcked(t + 2 * MS + r.nextInt(3_000), false, 21 + r.nextInt(20));
        t = f.sendAcked(t + 300 + r.nextInt(2_000), true, 21 + r.nextInt(20));
        t = f.send(t + 300, true, 1_400 + r.nextInt(200));
        t = f.send(t + f.rttMicros, false, 1_000 + r.nextInt(100));
        t = f.send(t + 500, true, r.nextBoolean() ? 48 : 1_230);
        t = f.send(t + f.rttMicros + 2 * MS, false, r.nextBoolean() ? 500 + r.nextInt(200) : 1_600 + r.nextInt(200));
        t = f.send(t + 300, true, 16);
        for (int i = 0, auth = 3 + r.nextInt(3); i < auth; i++) {
            t = f.exchange(t + 500 + r.nextInt(3_000), 44 + 16 * r.nextInt(40), 2 * MS + r.nextInt(20_000), 28 + 16 * r.nextInt(40));
        }
        long sessionEnd = t + (long) logNormal(r, 90 * S, 1.0, 5 * S, 3_600 * S);
        while (t < sessionEnd && !f.ended(t)) {
            int keys = geometric(r, 12);
            for (int k = 0; k < keys && !f.ended(t); k++) {
                t += (long) logNormal(r, 180 * MS, 0.6, 30 * MS, 5 * S);
                f.send(t, true, 36);
                long echo = t + f.rttMicros + 100 + r.nextInt(400);
                f.send(echo, false, 36);
                f.packet(echo + 20 * MS + r.nextInt(20_000), true, FlowScript.ACK, 0, FlowScript.TCP_HEADER_TS, f.clientWindow);
            }
            long output = (long) logNormal(r, 800, 1.5, 36, 200_000);
            t = f.send(t + f.rttMicros + (long) logNormal(r, 20 * MS, 1.0, MS, 3 * S), false, output);
            t += (long) logNormal(r, 4 * S, 1.0, 500 * MS, 120 * S); // human reads the output
        }
        f.close(t, true);
        return f.seal();
    }

    FlowScript bulk(long t0, SplittableRandom r) {
        int[] ports = {445, 873, 443};
        FlowScript f = tcp(AppProfile.BULK, hosts.bulkServer(r), ports[r.nextInt(ports.length)], r);
        f.rttMicros = (long) logNormal(r, 15 * MS, 0.7, MS, 200 * MS);
        f.bandwidthBytesPerSecond = logNormal(r, 2.5e7, 0.6, 2e6, 1.1e8);
        long t = f.handshake(t0);
        for (int i = 0, setup = 2 + r.nextInt(3); i < setup; i++) {
            t = f.exchange(t + 200 + r.nextInt(1_000), 100 + r.nextInt(300), 500 + r.nextInt(5_000), 100 + r.nextInt(400));
        }
        boolean upload = r.nextDouble() < 0.4;
        long bytes = (long) logNormal(r, 2e6, 1.0, 1e5, 1e8);
        t = f.transfer(t + 500 + r.nextInt(2_000), upload, bytes);
        f.close(t + 1_000 + r.nextInt(50_000), true);
        return f.seal();
    }

    /** An IoT device: MQTT (TCP 1883, QoS 1 publish + PUBACK) or CoAP (UDP 5683, confirmable + ACK) every period. */
    FlowScript iot(long t0, SplittableRandom r) {
        long[] periods = {10 * S, 15 * S, 30 * S, 60 * S};
        long period = periods[r.nextInt(periods.length)];
        int telemetry = 30 + r.nextInt(150);
        if (r.nextDouble() < 0.3) {
            FlowScript f = new FlowScript(AppProfile.IOT, hosts.iotDevice(r), 5683, hosts.iotBroker(), 5683,
                    FlowScript.UDP, endMicros, r);
            long rtt = (long) logNormal(r, 40 * MS, 0.5, 5 * MS, 500 * MS);
            for (long t = t0; !f.ended(t); t += (long) (period * uniform(r, 0.995, 1.005))) {
                f.udp(t, true, telemetry + r.nextInt(8));
                f.udp(t + rtt, false, 4 + r.nextInt(8));
            }
            return f.seal();
        }
        FlowScript f = new FlowScript(AppProfile.IOT, hosts.iotDevice(r), hosts.ephemeralPort(r), hosts.iotBroker(), 1883,
                FlowScript.TCP, endMicros, r);
        f.clientWindow = 229;
        f.serverWindow = 509;
        f.rttMicros = (long) logNormal(r, 40 * MS, 0.5, 5 * MS, 500 * MS);
        long t = f.handshake(t0);
        t = f.exchange(t + MS, 40 + r.nextInt(40), MS, 4); // CONNECT / CONNACK
        for (t += period; !f.ended(t); t += (long) (period * uniform(r, 0.995, 1.005))) {
            f.exchange(t, telemetry + r.nextInt(8), 500, 4); // PUBLISH / PUBACK
        }
        return f.seal();
    }

    /** One SYN probe of a scan: RST-ACK from a closed port, or SYN-ACK then the scanner's RST. */
    FlowScript scanProbe(long t, byte[] scanner, int scannerPort, byte[] target, int port, boolean open, long rtt,
            SplittableRandom r) {
        FlowScript f = new FlowScript(AppProfile.SCAN, scanner, scannerPort, target, port, FlowScript.TCP, endMicros, r);
        f.packet(t, true, FlowScript.SYN, 0, 24, 1024); // nmap: MSS option only, window 1024
        long reply = t + rtt + r.nextInt(200);
        if (open) {
            f.packet(reply, false, FlowScript.SYN | FlowScript.ACK, 0, 24, 64240);
            f.packet(reply + 30 + r.nextInt(100), true, FlowScript.RST, 0, FlowScript.TCP_HEADER_PLAIN, 0);
        } else {
            f.packet(reply, false, FlowScript.RST | FlowScript.ACK, 0, FlowScript.TCP_HEADER_PLAIN, 0);
        }
        return f.seal();
    }

    static long exponentialMicros(SplittableRandom r, double perSecond) {
        return Math.max(1, (long) exponential(r, 1e6 / perSecond));
    }
}
