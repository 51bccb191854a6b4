package dev.tollgate.observe;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the policies note about one request as it goes, for its {@link RequestObservation}: the
 * credential presented, outcomes, the time spent in backend sends, tries, the circuit's state.
 * Confined to the request's thread, like the exchange that holds it.
 */
public final class Observed {

    private CredentialKind credential = CredentialKind.NONE;
    private final Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    private String problem;
    private long backendNanos;
    private int backendTries;
    private String circuit;
    private final List<String> circuitChanges = new ArrayList<>(2);

    public void credential(CredentialKind kind) {
        this.credential = kind;
    }

    public CredentialKind credential() {
        return credential;
    }

    public void outcome(Outcome outcome) {
        outcomes.add(outcome);
    }

    public Set<Outcome> outcomes() {
        return Set.copyOf(outcomes);
    }

    /** The problem type of the answer, once the gateway rendered its failure as a problem. */
    public void problem(String type) {
        this.problem = type;
    }

    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** One send to the backend, answered or not, and the nanoseconds it took. */
    public void backendTry(long nanos) {
        backendTries++;
        backendNanos += nanos;
    }

    public int backendTries() {
        return backendTries;
    }

    public long backendNanos() {
        return backendNanos;
    }

    /** The state of the backend endpoint's circuit, as it stands after this request's last use of it. */
    public void circuit(String state) {
        this.circuit = state;
    }

    public Optional<String> circuit() {
        return Optional.ofNullable(circuit);
    }

    /** A change of the circuit's state that this request caused. */
    public void circuitChange(String from, String to) {
        circuitChanges.add(from + "->" + to);
    }

    public List<String> circuitChanges() {
        return List.copyOf(circuitChanges);
    }
}
