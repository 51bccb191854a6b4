package dev.tollgate.azure;

import dev.tollgate.emulators.CosmosEmulator;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The Cosmos DB emulator for one test class, and stores on it built as a function app builds them,
 * from settings: each {@link #stores} call gets a database of its own, its containers created.
 */
public final class CosmosFixture implements AutoCloseable {

    private final CosmosEmulator emulator = CosmosEmulator.start();

    /** The settings of a function app on this emulator, with a fresh database, and {@code more} on top. */
    public Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                CosmosStores.ENDPOINT, emulator.endpoint(),
                CosmosStores.KEY, emulator.key(),
                CosmosStores.DATABASE, "test-" + UUID.randomUUID(),
                // The emulator answers one request at a time: on a loaded machine 2 s (the default) is not enough.
                CosmosStores.TIMEOUT, "10s"));
        settings.putAll(more);
        return settings;
    }

    /** Stores on a fresh database, its containers made; the caller closes them. */
    public CosmosStores stores() {
        return CosmosStores.connect(settings(Map.of())).createIfMissing();
    }

    public CosmosEmulator emulator() {
        return emulator;
    }

    @Override
    public void close() {
        emulator.close();
    }
}
