package dev.tollgate.backend.breaker;

import dev.tollgate.problem.CircuitOpenException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One backend endpoint's circuit breaker, an explicit state machine: one atomic state, one record
 * per state, and one transition method that tells the listener. Closed counts consecutive
 * failures; open refuses every try until {@code openFor} has passed; half open lets a few probes
 * through, and closes on a success or opens again on a failure. A probe that has not reported
 * within the probe deadline is taken for lost, and its slot goes to the next try, so that no lost
 * probe can hold the circuit half open for good. Time comes from the caller.
 */
public final class CircuitBreaker {

    /** A change of state, for logs and metrics. */
    public record Transition(String endpoint, State from, State to, Instant at) {
    }

    /** The states; each holds what it needs to decide. */
    public sealed interface State permits Closed, Open, HalfOpen {
        /** The state's name in logs and metrics: {@code closed}, {@code open}, {@code half-open}. */
        String label();
    }

    /** Calls go through; {@code failures} consecutive ones have failed. */
    public record Closed(int failures) implements State {
        @Override
        public String label() {
            return "closed";
        }
    }

    /** Calls are refused until {@code until}. */
    public record Open(Instant until) implements State {
        @Override
        public String label() {
            return "open";
        }
    }

    /** {@code probes} calls are under way to test the backend, the latest acquired at {@code lastProbe}. */
    public record HalfOpen(int probes, Instant lastProbe) implements State {
        @Override
        public String label() {
            return "half-open";
        }
    }

    private final String endpoint;
    private final CircuitBreakerConfig config;
    private final Duration probeDeadline;
    private final Consumer<Transition> listener;
    private final AtomicReference<State> state = new AtomicReference<>(new Closed(0));

    /**
     * @param probeDeadline longer than any try may take: a probe that has not reported by then is lost
     */
    public CircuitBreaker(String endpoint, CircuitBreakerConfig config, Duration probeDeadline, Consumer<Transition> listener) {
        this.endpoint = endpoint;
        this.config = config;
        this.probeDeadline = probeDeadline;
        this.listener = listener;
    }

    public State state() {
        return state.get();
    }

    /**
     * Asks to try the backend now; refuses with {@link CircuitOpenException} while open.
     *
     * @return the change of state this made (open to half open), if any
     */
    public Optional<Transition> acquire(Instant now) {
        while (true) {
            State current = state.get();
            State next;
            if (current instanceof Closed) {
                return Optional.empty();
            } else if (current instanceof Open open) {
                if (now.isBefore(open.until())) {
                    throw refusal(Duration.between(now, open.until()));
                }
                next = new HalfOpen(1, now);
            } else {
                HalfOpen halfOpen = (HalfOpen) current;
                if (halfOpen.probes() < config.halfOpenProbes()) {
                    next = new HalfOpen(halfOpen.probes() + 1, now);
                } else if (now.isBefore(halfOpen.lastProbe().plus(probeDeadline))) {
                    throw refusal(Duration.ofSeconds(1));
                } else {
                    next = new HalfOpen(1, now); // every probe under way is older than the deadline: lost; this try probes
                }
            }
            if (transition(current, next, now)) {
                return change(current, next, now);
            }
        }
    }

    /**
     * Records how an acquired try went.
     *
     * @return the change of state this made, if any
     */
    public Optional<Transition> record(boolean success, Instant now) {
        while (true) {
            State current = state.get();
            State next;
            if (current instanceof Closed closed) {
                if (success) {
                    next = new Closed(0);
                } else {
                    int failures = closed.failures() + 1;
                    next = failures >= config.failureThreshold() ? new Open(now.plus(config.openFor())) : new Closed(failures);
                }
            } else if (current instanceof HalfOpen) {
                next = success ? new Closed(0) : new Open(now.plus(config.openFor()));
            } else {
                return Optional.empty(); // opened by another try meanwhile; this result changes nothing
            }
            if (current.equals(next)) {
                return Optional.empty();
            }
            if (transition(current, next, now)) {
                return change(current, next, now);
            }
        }
    }

    /** The one place the state changes; tells the listener when the kind of state changes. */
    private boolean transition(State from, State to, Instant now) {
        if (!state.compareAndSet(from, to)) {
            return false;
        }
        change(from, to, now).ifPresent(listener);
        return true;
    }

    /** A change of the kind of state is a transition; a closed circuit counting one more failure is not. */
    private Optional<Transition> change(State from, State to, Instant now) {
        return from.getClass() == to.getClass() ? Optional.empty() : Optional.of(new Transition(endpoint, from, to, now));
    }

    private CircuitOpenException refusal(Duration remaining) {
        long seconds = Math.max(1, (remaining.toMillis() + 999) / 1000);
        return new CircuitOpenException("The circuit to the backend is open after repeated failures; try again in "
                + seconds + " s.", seconds);
    }
}
