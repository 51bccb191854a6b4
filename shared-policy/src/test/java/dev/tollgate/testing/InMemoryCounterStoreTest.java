package dev.tollgate.testing;

import dev.tollgate.policy.quota.CounterStore;

/** The in-memory store keeps the same promises as the real ones, so tests built on it mean something. */
class InMemoryCounterStoreTest extends CounterStoreContract {

    private final InMemoryCounterStore store = new InMemoryCounterStore();

    @Override
    protected CounterStore store() {
        return store;
    }
}
