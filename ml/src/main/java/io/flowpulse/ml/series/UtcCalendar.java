package io.flowpulse.ml.series;

/** Hour of day and ISO day of week of an epoch-millisecond instant in UTC, without allocation. */
public final class UtcCalendar {
    private static final long DAY = 86_400_000L;

    private UtcCalendar() {}

    public static int hourOfDay(long millis) {
        return (int) (Math.floorMod(millis, DAY) / 3_600_000L);
    }

    /** Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday). */
    public static int dayOfWeek(long millis) {
        return (int) Math.floorMod(Math.floorDiv(millis, DAY) + 3, 7L) + 1;
    }
}
