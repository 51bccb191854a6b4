package dev.tollgate.config;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A part of a function's init that needs nothing of the configuration, such as building a store's SDK
 * client, run on a thread of its own while the configuration loads: on two cores the two overlap
 * (docs/performance.md, cold start target); on one, it costs a thread's start. Its failure is thrown
 * where it is joined, as it was thrown.
 * <pre>{@code
 * BackgroundInit<DynamoDbClient> dynamo = BackgroundInit.start("tollgate-init-dynamodb", () -> client(env));
 * GatewayConfig config = ConfigLoader.load(path);
 * Gateway gateway = create(config, dynamo.join());
 * }</pre>
 */
public final class BackgroundInit<T> {

    private final FutureTask<T> task;

    private BackgroundInit(FutureTask<T> task) {
        this.task = task;
    }

    /** Starts {@code work} on a daemon thread named {@code name}: one left unjoined does not keep the JVM up. */
    public static <T> BackgroundInit<T> start(String name, Supplier<T> work) {
        FutureTask<T> task = new FutureTask<>(work::get);
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return new BackgroundInit<>(task);
    }

    /** Waits for the work; its unchecked exception or error is thrown here unwrapped. */
    public T join() {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the init's background work", e);
        }
    }
}
