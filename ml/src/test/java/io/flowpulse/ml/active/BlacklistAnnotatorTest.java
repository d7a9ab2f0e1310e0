package io.flowpulse.ml.active;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlacklistAnnotatorTest {
    @Test
    void addressesAndCidrsOfBothFamiliesMatch() throws Exception {
        BlacklistAnnotator b = new BlacklistAnnotator(List.of("1.1.1.1", "# resolvers", "9.9.9.0/24", "2606:4700::/32", ""));
        assertTrue(b.matches(InetAddress.getByName("1.1.1.1").getAddress()));
        assertTrue(b.matches(InetAddress.getByName("9.9.9.9").getAddress()));
        assertFalse(b.matches(InetAddress.getByName("9.9.10.9").getAddress()));
        assertTrue(b.matches(InetAddress.getByName("2606:4700:4700::1111").getAddress()));
        assertFalse(b.matches(InetAddress.getByName("1.1.1.2").getAddress()));
        assertTrue(b.matchesEither(InetAddress.getByName("10.0.0.1").getAddress(), InetAddress.getByName("1.1.1.1").getAddress()));
    }
}
