package dev.tollgate.backend.breaker;

import dev.tollgate.observe.LogText;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The circuit breakers of a forwarder, one per backend endpoint ({@code scheme://host:port}) and
 * settings: routes that agree share one, and each task of an ECS service has its own. They live as
 * long as the forwarder, across warm invocations; each change of state is logged.
 */
public final class CircuitBreakers {

    /** How much longer than the longest try a half-open circuit waits for its probe's report. */
    static final Duration PROBE_GRACE = Duration.ofSeconds(5);

    private static final Logger LOG = Logger.getLogger(CircuitBreakers.class.getName());

    private final ConcurrentHashMap<Key, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final Duration probeDeadline;

    /**
     * @param longestTry no try outlasts it: a half-open circuit's probe that has not reported
     *                   {@link #PROBE_GRACE} after that was lost (an {@link Error} mid-try, say), and its slot is given back
     */
    public CircuitBreakers(Duration longestTry) {
        this.probeDeadline = longestTry.plus(PROBE_GRACE);
    }

    /** The breaker of the endpoint {@code base} names, under {@code settings}; made on first use. */
    public CircuitBreaker of(URI base, CircuitBreakerConfig settings) {
        return breakers.computeIfAbsent(new Key(base.getScheme() + "://" + base.getRawAuthority(), settings),
                key -> new CircuitBreaker(key.endpoint(), key.settings(), probeDeadline, CircuitBreakers::log));
    }

    private static void log(CircuitBreaker.Transition transition) {
        LOG.warning("circuit to " + LogText.escape(transition.endpoint()) + ": " + transition.from().label()
                + " -> " + transition.to().label() + " at " + transition.at());
    }

    private record Key(String endpoint, CircuitBreakerConfig settings) {
    }
}
