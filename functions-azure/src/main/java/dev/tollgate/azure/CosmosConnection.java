package dev.tollgate.azure;

import dev.tollgate.observe.LogText;
import dev.tollgate.policy.auth.apikey.KeyStore;
import dev.tollgate.policy.quota.CounterStore;
import dev.tollgate.problem.CounterStoreException;
import dev.tollgate.problem.KeyStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A function app's Cosmos DB stores while its client connects, on a thread of its own. The Cosmos SDK
 * reads the account when it builds a client, so an account down at a cold start would fail the worker's
 * init (every request the host's own error, no problem, no plan's {@code failOpen}), and a slow one would
 * hold it for the SDK's retries (36 s measured). Instead the function starts, and its stores wait for the
 * connection at most a given wait per operation, then fail as the store being unavailable: a counter per
 * the plan's {@code failOpen} (else 503), a key 503, each logged and counted as any store failure. A
 * failed connection is logged and tried again by the next operation, one attempt at a time; once
 * connected, operations go straight to the stores.
 * <pre>{@code
 * CosmosConnection cosmos = CosmosConnection.start(() -> CosmosStores.connect(settings), "tollgate-init-cosmos");
 * cosmos.await(timeout); // at init: connected, unless the account is down or slow
 * Gateway gateway = AzureGateway.create(config, cosmos.counters(clock, timeout), cosmos.keys(timeout), clock, log, backends);
 * }</pre>
 */
public final class CosmosConnection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CosmosConnection.class.getName());

    private final Supplier<CosmosStores> connect;
    private final String threadName;
    private volatile CosmosStores connected;
    /** The attempt under way, or the last one; guarded by {@code this}. */
    private FutureTask<CosmosStores> attempt;
    private boolean closed;

    private CosmosConnection(Supplier<CosmosStores> connect, String threadName) {
        this.connect = connect;
        this.threadName = threadName;
    }

    /** Starts connecting on a thread named {@code threadName}. */
    public static CosmosConnection start(Supplier<CosmosStores> connect, String threadName) {
        CosmosConnection connection = new CosmosConnection(connect, threadName);
        connection.attempt();
        return connection;
    }

    /** Waits at most {@code atMost} for the attempt under way (it starts none): whether connected. */
    public boolean await(Duration atMost) {
        FutureTask<CosmosStores> current;
        synchronized (this) {
            current = attempt;
        }
        try {
            current.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException notConnected) {
            // Requests wait for it in turn, or try again.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return connected != null;
    }

    /**
     * The counters, on {@code clock}: a {@link CosmosCounterStore} once connected.
     *
     * @param wait the longest an operation waits for the connection ({@link CosmosStores.Settings#operationTimeout})
     */
    public CounterStore counters(Clock clock, Duration wait) {
        return new PendingCounters(clock, wait);
    }

    /** The keys: a {@link CosmosKeyStore} once connected; an operation waits for the connection at most {@code wait}. */
    public KeyStore keys(Duration wait) {
        return sha256Hex -> {
            CosmosStores stores;
            try {
                stores = stores(wait);
            } catch (IllegalStateException notConnected) {
                throw new KeyStoreException("The API key could not be looked up.", notConnected);
            }
            return stores.keys().findBySha256(sha256Hex);
        };
    }

    private CosmosStores stores(Duration atMost) {
        CosmosStores stores = connected;
        if (stores != null) {
            return stores;
        }
        FutureTask<CosmosStores> current = attempt();
        try {
            return current.get(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the Cosmos DB client is still connecting (waited " + atMost.toMillis() + " ms)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the Cosmos DB client could not connect: " + withoutDiagnostics(e.getCause().getMessage()),
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Cosmos DB client to connect", e);
        }
    }

    /** The attempt under way, or a new one when the last failed. */
    private synchronized FutureTask<CosmosStores> attempt() {
        if (attempt != null && !(attempt.isDone() && connected == null)) {
            return attempt;
        }
        FutureTask<CosmosStores> next = new FutureTask<>(this::connectOnce);
        Thread thread = new Thread(next, threadName);
        thread.setDaemon(true);
        attempt = next;
        thread.start();
        return next;
    }

    private CosmosStores connectOnce() {
        CosmosStores stores;
        try {
            stores = connect.get();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the Cosmos DB client could not connect; counters and keys fail as unavailable until it does,"
                    + " tried again on the next request: " + LogText.escape(e.getClass().getSimpleName() + ": "
                    + withoutDiagnostics(e.getMessage())));
            throw e;
        }
        synchronized (this) {
            if (closed) {
                stores.close();
                throw new IllegalStateException("closed");
            }
            connected = stores;
        }
        return stores;
    }

    /** A Cosmos SDK message goes on with its diagnostics' JSON, kilobytes of it: a log line needs what comes before. */
    private static String withoutDiagnostics(String message) {
        if (message == null) {
            return "";
        }
        int details = message.indexOf(" More details: ");
        return details < 0 ? message : message.substring(0, details);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (connected != null) {
            connected.close();
        }
    }

    /** The counters through the connection: every operation waits for it, or fails as the store unavailable. */
    private final class PendingCounters implements CounterStore {

        private final Clock clock;
        private final Duration wait;
        private volatile CosmosCounterStore store;

        PendingCounters(Clock clock, Duration wait) {
            this.clock = clock;
            this.wait = wait;
        }

        private CosmosCounterStore store(String failure) {
            CosmosCounterStore current = store;
            if (current == null) {
                try {
                    current = stores(wait).counters(clock);
                } catch (IllegalStateException notConnected) {
                    throw new CounterStoreException(failure, notConnected);
                }
                store = current;
            }
            return current;
        }

        @Override
        public Lease tryLease(String counter, long units, long limit, Instant expiresAt) {
            return store("The quota counter could not be updated.").tryLease(counter, units, limit, expiresAt);
        }

        @Override
        public void giveBack(String counter, long units) {
            store("The quota counter could not give uses back.").giveBack(counter, units);
        }

        @Override
        public long used(String counter) {
            return store("The quota counter could not be read.").used(counter);
        }

        @Override
        public TokenLease tryLeaseTokens(String bucket, long tokens, long nowMicros, long intervalMicros, long toleranceMicros,
                Instant expiresAt) {
            return store("The rate limit bucket could not be updated.")
                    .tryLeaseTokens(bucket, tokens, nowMicros, intervalMicros, toleranceMicros, expiresAt);
        }

        @Override
        public long theoreticalArrival(String bucket) {
            return store("The rate limit bucket could not be read.").theoreticalArrival(bucket);
        }
    }
}
