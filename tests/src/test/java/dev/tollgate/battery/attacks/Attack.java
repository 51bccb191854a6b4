package dev.tollgate.battery.attacks;

import dev.tollgate.conformance.Answer;
import dev.tollgate.conformance.Call;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One attack of the corpus: its family, a name saying what it tries, the request, and what must hold of
 * the answer and of what the backend received meanwhile. Skipped on an adapter only for a platform reason.
 */
record Attack(String family, String name, Call call, Check check, Map<String, String> skips) {

    /** What must hold; fails with an {@link AssertionError}. */
    @FunctionalInterface
    interface Check {
        /**
         * @param answer   what the caller received
         * @param backend  the requests the backends received while it ran ({@code METHOD raw-path[?raw-query]})
         */
        void check(Answer answer, List<String> backend);
    }

    Attack(String family, String name, Call call, Check check) {
        this(family, name, call, check, Map.of());
    }

    Attack skipOn(String adapter, String reason) {
        Map<String, String> more = new HashMap<>(skips);
        more.put(adapter, reason);
        return new Attack(family, name, call, check, Map.copyOf(more));
    }
}
