package io.flowpulse.ml.series;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UtcCalendarTest {
    @Test
    void agreesWithJavaTime() {
        for (long t = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli(); t < Instant.parse("2026-11-20T00:00:00Z").toEpochMilli(); t += 1_799_999) {
            var utc = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
            assertEquals(utc.getHour(), UtcCalendar.hourOfDay(t));
            assertEquals(utc.getDayOfWeek().getValue(), UtcCalendar.dayOfWeek(t));
        }
        assertEquals(3, UtcCalendar.dayOfWeek(-1)); // 1969-12-31 was a Wednesday
    }
}
