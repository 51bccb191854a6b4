package dev.tollgate.backend;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The time a request's tries, task lookups and the waits between tries may take together: a budget
 * from the request's arrival, the longest the platform waits for the function. A try or a retry that
 * could not start with {@link #MIN_TRY} of it left is not made, and the last failure is the answer.
 * Waits before a retry have full jitter: a random wait up to the bound, so that retrying callers do
 * not arrive together. Times are a ticker's readings in nanoseconds.
 */
public final class RetryBudget {

    /** A retry that could not start with this much of the budget left is not made. */
    static final Duration MIN_TRY = Duration.ofMillis(100);

    private final Duration budget;
    private final Sleeper sleeper;
    private final DoubleSupplier random;

    /**
     * @param budget  all of a request's tries and waits fit in it, from the request's arrival
     * @param sleeper waits between tries
     * @param random  numbers in [0, 1) that scale each wait
     */
    RetryBudget(Duration budget, Sleeper sleeper, DoubleSupplier random) {
        this.budget = budget;
        this.sleeper = sleeper;
        this.random = random;
    }

    /** Waits between tries; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    Duration budget() {
        return budget;
    }

    /** The ticker's reading when the budget of a request that arrived at {@code arrived} ends. */
    long deadline(long arrived) {
        return arrived + budget.toNanos();
    }

    /** Whether a try could start at {@code now} with {@link #MIN_TRY} left. */
    static boolean leavesATry(long now, long deadline) {
        return deadline - now >= MIN_TRY.toNanos();
    }

    /** How long a lookup starting at {@code now} may take and leave {@link #MIN_TRY} for the try. */
    static Duration lookupWithin(long now, long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - now - MIN_TRY.toNanos()));
    }

    /** A try's timeout: the route's, or what is left of the budget when the try starts at {@code started}. */
    static Duration tryTimeout(Duration routeTimeout, long started, long deadline) {
        return Duration.ofNanos(Math.max(0, Math.min(routeTimeout.toNanos(), deadline - started)));
    }

    /**
     * Waits before a retry, a random share of {@code bound}. No wait, and no retry, when the retry could
     * not start with {@link #MIN_TRY} of the budget left.
     *
     * @param ticker   reads the ticker after the wait
     * @param now      the ticker's reading now
     * @param deadline the ticker's reading when the request's budget ends
     * @return the ticker's reading when the retry starts; empty when it is not made
     * @throws InterruptedException the wait was interrupted
     */
    OptionalLong pause(Duration bound, LongSupplier ticker, long now, long deadline) throws InterruptedException {
        Duration wait = Duration.ofMillis((long) (random.getAsDouble() * bound.toMillis()));
        if (deadline - now - wait.toNanos() < MIN_TRY.toNanos()) {
            return OptionalLong.empty();
        }
        sleeper.sleep(wait);
        long resumed = ticker.getAsLong();
        return leavesATry(resumed, deadline) ? OptionalLong.of(resumed) : OptionalLong.empty();
    }
}
