package dev.tollgate.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A backend's body, read into memory up to a maximum: past it, reading stops, the connection is
 * given up, and the answer fails with {@link BoundedSend.TooLarge}. Like the JDK's {@code ofByteArray()}
 * otherwise, so that a deadline for the answer covers the body as well as the headers.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long max;
    private final int status;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(long max, int status) {
        this.max = max;
        this.status = status;
    }

    /** Bodies of at most {@code max} bytes. */
    static HttpResponse.BodyHandler<byte[]> upTo(long max) {
        return answer -> new BoundedBody(max, answer.statusCode());
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return; // given up; buffers already under way may still arrive
        }
        for (ByteBuffer buffer : buffers) {
            if (received.size() + (long) buffer.remaining() > max) {
                subscription.cancel();
                body.completeExceptionally(new BoundedSend.TooLarge(max, status));
                return;
            }
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            received.write(bytes, 0, bytes.length);
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(received.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
