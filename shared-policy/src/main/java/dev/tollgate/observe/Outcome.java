package dev.tollgate.observe;

/** What went notably right or wrong for a request, beyond its status; each is counted as a metric. */
public enum Outcome {
    /** A rate limit refused it (429). */
    RATE_LIMITED("rate-limited"),
    /** A quota was used up (429). */
    QUOTA_EXHAUSTED("quota-exhausted"),
    /** Its credentials were missing or rejected (401), or do not grant the route (403). */
    AUTH_FAILURE("auth-failure"),
    /** The counter store failed for it, whether the plan then served it (failOpen) or refused it (503). */
    COUNTER_STORE_ERROR("counter-store-error"),
    /** The backend could not be reached (502), did not answer in time (504), or answered too much (502). */
    BACKEND_ERROR("backend-error"),
    /** The backend's circuit was open, so the gateway answered 503 without calling it. */
    CIRCUIT_OPEN("circuit-open"),
    /** The backend's answer was larger than the platform can carry back (502); a backend error too. */
    RESPONSE_TOO_LARGE("response-too-large");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The name in logs, {@code rate-limited}. */
    public String label() {
        return label;
    }
}
