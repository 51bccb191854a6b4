package dev.tollgate.observe;

/** A monotonic time source in nanoseconds, for durations only; tests pass one they move. */
@FunctionalInterface
public interface Ticker {

    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    long read();
}
