package io.flowpulse.sources.netflow;

import java.net.InetSocketAddress;
import java.net.URI;

/** A collector's listen address, written {@code udp://HOST:PORT} (IPv6: {@code udp://[::1]:2055}). */
public record ExportListenAddress(String host, int port) {
    public static final int DEFAULT_PORT = 2055;

    public static ExportListenAddress parse(String s) {
        URI u;
        try {
            u = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("listen address must look like udp://127.0.0.1:2055, got " + s);
        }
        if (!"udp".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("listen address must look like udp://127.0.0.1:2055, got " + s);
        }
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        return new ExportListenAddress(u.getHost(), port);
    }

    public InetSocketAddress socketAddress() {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new InetSocketAddress(h, port);
    }

    @Override
    public String toString() {
        return "udp://" + host + ":" + port;
    }
}
