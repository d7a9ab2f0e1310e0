package io.flowpulse.ml.active;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ALF's DoH annotator rule: a flow is positive when either endpoint is in an IP/CIDR blacklist
 * (one address or prefix per line, '#' comments), e.g. known DoH resolvers.
 */
public final class BlacklistAnnotator {
    private final List<byte[]> networks = new ArrayList<>();
    private final List<Integer> prefixes = new ArrayList<>();

    public BlacklistAnnotator(List<String> entries) throws IOException {
        for (String raw : entries) {
            String e = raw.replaceAll("#.*", "").trim();
            if (e.isEmpty()) {
                continue;
            }
            String[] parts = e.split("/");
            byte[] addr = InetAddress.getByName(parts[0]).getAddress();
            networks.add(addr);
            prefixes.add(parts.length > 1 ? Integer.parseInt(parts[1]) : addr.length * 8);
        }
    }

    public static BlacklistAnnotator fromFile(Path file) throws IOException {
        return new BlacklistAnnotator(Files.readAllLines(file));
    }

    public int size() {
        return networks.size();
    }

    /** True when the address (4 or 16 bytes) is in one of the networks. */
    public boolean matches(byte[] ip) {
        for (int i = 0; i < networks.size(); i++) {
            byte[] net = networks.get(i);
            if (net.length != ip.length) {
                continue;
            }
            int bits = prefixes.get(i);
            BigInteger mask = bits == 0 ? BigInteger.ZERO
                    : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftLeft(net.length * 8 - bits);
            if (new BigInteger(1, net).and(mask).equals(new BigInteger(1, ip).and(mask))) {
                return true;
            }
        }
        return false;
    }

    public boolean matchesEither(byte[] a, byte[] b) {
        return matches(a) || matches(b);
    }
}
