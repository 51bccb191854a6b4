package dev.tollgate.azure;

import dev.tollgate.testing.FaultyProxy;
import java.io.IOException;
import java.util.Map;

/**
 * A {@link FaultyProxy} in front of the Cosmos DB emulator, for what the emulator never does: throttle
 * (429), be unavailable (503), time out (408), hang, or refuse connections. Requests for items
 * ({@code /docs}) meet the fault that is set; everything else (the account, the container's metadata)
 * passes, so the SDK starts as usual. The SDK sees real HTTP answers, with the headers Cosmos DB sends
 * with them.
 */
final class FaultyCosmos implements AutoCloseable {

    /** What an item request meets. */
    sealed interface Fault permits Status, Hang {
    }

    /** An answer with this status and Cosmos DB's error body, instead of the emulator's. */
    record Status(int status, String code) implements Fault {
    }

    /** No answer until the proxy closes: the client's own timeout decides. */
    record Hang() implements Fault {
    }

    private final FaultyProxy proxy;

    FaultyCosmos(String target) throws IOException {
        proxy = new FaultyProxy(target, exchange -> exchange.getRequestURI().getPath().contains("/docs"));
    }

    String endpoint() {
        return proxy.endpoint();
    }

    /** From now on, item requests meet {@code next}; null: they pass again. */
    void fault(Fault next) {
        proxy.fault(next == null ? null : next instanceof Status status
                ? new FaultyProxy.Answer(status.status(), Map.of("content-type", "application/json",
                        "x-ms-retry-after-ms", "10", "x-ms-activity-id", "00000000-0000-0000-0000-000000000000"),
                        "{\"code\":\"" + status.code() + "\",\"message\":\"injected by the test\"}")
                : new FaultyProxy.Hang());
    }

    /** How many requests met a fault so far. */
    int faulted() {
        return proxy.met();
    }

    /** Stops listening: from now on, connections are refused. */
    void refuseConnections() {
        proxy.close();
    }

    @Override
    public void close() {
        proxy.close();
    }
}
