package dev.tollgate.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One request with the JDK's HTTP client, bounded twice: its whole answer, body included, within one
 * deadline, and its body up to a maximum. The JDK's request timeout stops at the headers, so a server
 * that trickles its body would otherwise hold the caller for as long as it likes; and a body read
 * without bound could fill the function's memory. Used by the forwarder for each try, and by the
 * JWKS fetch for each answer.
 *
 * <p>The calling thread sends and waits with the client's blocking {@code send}, which starts the
 * exchange on that thread; {@code sendAsync} would hand it to the client's executor first and hand
 * the answer back through the common pool, two more thread switches a request, each waiting for a core
 * (0.2 to 0.3 ms a request on a busy 2-core machine, docs/performance.md). The deadline is kept by
 * {@link SendDeadlines}, which interrupts the waiting thread, and the client gives the exchange up.
 *
 * <pre>{@code
 * HttpResponse<byte[]> answer = BoundedSend.send(client, request, Duration.ofSeconds(3), 512 * 1024);
 * }</pre>
 */
public final class BoundedSend {

    private BoundedSend() {
    }

    /** The answer's body is longer than the maximum; reading stopped there. */
    public static final class TooLarge extends IOException {
        private final int status;

        TooLarge(long max, int status) {
            super("the body is longer than " + max + " bytes");
            this.status = status;
        }

        /** The status the answer came with. */
        public int status() {
            return status;
        }
    }

    /**
     * Sends {@code request} and waits for its whole answer, body included, until {@code deadline}
     * has passed; past it, or when interrupted, the exchange is cancelled and its connection given up.
     *
     * @throws TimeoutException     no whole answer within the deadline
     * @throws ExecutionException   the exchange failed; its cause is a {@link TooLarge} when the body is
     *                              longer than {@code maxBytes}, else the client's {@link IOException}
     * @throws InterruptedException the waiting thread was interrupted
     */
    public static HttpResponse<byte[]> send(HttpClient client, HttpRequest request, Duration deadline, long maxBytes)
            throws TimeoutException, ExecutionException, InterruptedException {
        SendDeadlines.Watch watch = SendDeadlines.INSTANCE.watch(System.nanoTime() + deadline.toNanos());
        try {
            HttpResponse<byte[]> answer = client.send(request, BoundedBody.upTo(maxBytes));
            watch.end();
            return answer;
        } catch (InterruptedException interrupted) {
            if (watch.end()) {
                throw new TimeoutException("no whole answer within " + deadline.toMillis() + " ms");
            }
            throw interrupted;
        } catch (IOException failure) {
            if (watch.end()) {
                throw new TimeoutException("no whole answer within " + deadline.toMillis() + " ms");
            }
            throw new ExecutionException(asMet(failure));
        } catch (RuntimeException | Error failure) {
            watch.end();
            throw failure;
        }
    }

    /**
     * The failure as the exchange met it: the blocking send throws a copy of it (of its type, or a plain
     * {@link IOException}) with the original as its cause, where the exchange's future fails with the original.
     */
    static Throwable asMet(IOException thrown) {
        Throwable cause = thrown.getCause();
        if (cause instanceof IOException original
                && (thrown.getClass() == IOException.class || thrown.getClass() == original.getClass())) {
            return original;
        }
        return thrown;
    }
}
