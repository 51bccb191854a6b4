package dev.tollgate.policy.quota;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** A calendar period in UTC over which a quota counts; each period starts a fresh window. */
public enum QuotaPeriod {
    HOUR, DAY, WEEK, MONTH;

    /** The start of the window that holds {@code now}. */
    public Instant windowStart(Instant now) {
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOUR -> utc.truncatedTo(ChronoUnit.HOURS).toInstant();
            case DAY -> utc.truncatedTo(ChronoUnit.DAYS).toInstant();
            case WEEK -> utc.truncatedTo(ChronoUnit.DAYS).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).toInstant();
            case MONTH -> utc.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).toInstant();
        };
    }

    /** The end (exclusive) of the window that holds {@code now}: the moment the quota resets. */
    public Instant windowEnd(Instant now) {
        ZonedDateTime start = windowStart(now).atZone(ZoneOffset.UTC);
        return switch (this) {
            case HOUR -> start.plusHours(1).toInstant();
            case DAY -> start.plusDays(1).toInstant();
            case WEEK -> start.plusWeeks(1).toInstant();
            case MONTH -> start.plusMonths(1).toInstant();
        };
    }

    /** The name as written in configuration. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
