package io.flowpulse.patterns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EpisodeStartsTest {
    private static final long B = 60_000;
    private static final EscalationParams P = new EscalationParams(4, 2, Duration.ofMillis(B), Duration.ofMinutes(30));

    private static long[] times(int n) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = i * B;
        }
        return t;
    }

    @Test
    void oneEpisodeUntilTwoNormalBucketsInARow() {
        boolean[] flags = {false, true, true, false, true, false, false, true, false};
        boolean[] starts = {false, true, false, false, false, false, false, true, false};
        assertArrayEquals(starts, EpisodeStarts.of(times(flags.length), flags, P));
    }

    @Test
    void aGapBreaksTheCalmRunAndTheIdleTtlEndsAnEpisode() {
        long[] t = {0, B, 3 * B, 4 * B, 5 * B, 100 * B};
        boolean[] flags = {true, false, false, true, false, true};
        // the normal buckets at 1 and 3 are not successive: no CLEAR, so 4 continues the episode;
        // 100 comes after the 30-minute idle TTL: a new episode
        boolean[] starts = {true, false, false, false, false, true};
        assertArrayEquals(starts, EpisodeStarts.of(t, flags, P));
    }
}
