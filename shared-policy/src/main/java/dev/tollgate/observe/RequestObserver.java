package dev.tollgate.observe;

/**
 * Told about every request the gateway answered, once, on the request's thread, after the answer
 * is made. Called concurrently for concurrent requests; it must not block for long, and what it
 * throws is logged, never seen by the caller.
 */
@FunctionalInterface
public interface RequestObserver {

    /** Observes nothing. */
    RequestObserver NONE = observation -> { };

    void observe(RequestObservation observation);
}
