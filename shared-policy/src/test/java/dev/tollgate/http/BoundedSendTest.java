package dev.tollgate.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tollgate.testing.TestBackend;
import dev.tollgate.testing.TricklingBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class BoundedSendTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aWholeAnswer_ofExactlyTheMaximum_isReturned() throws Exception {
        try (TestBackend backend = new TestBackend().answer(200, "application/octet-stream", new byte[1000])) {
            HttpResponse<byte[]> answer = BoundedSend.send(client, get(backend.url()), Duration.ofSeconds(5), 1000);

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).hasSize(1000);
        }
    }

    @Test
    void aBodyLongerThanTheMaximum_failsAsTooLarge_withTheStatusItCameWith() {
        try (TestBackend backend = new TestBackend().answer(503, "application/octet-stream", new byte[1001])) {
            assertThatThrownBy(() -> BoundedSend.send(client, get(backend.url()), Duration.ofSeconds(5), 1000))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(BoundedSend.TooLarge.class, tooLarge -> assertThat(tooLarge.status()).isEqualTo(503))
                    .hasMessage("the body is longer than 1000 bytes");
        }
    }

    @Test
    void aBodyTrickledPastTheDeadline_timesOut_whenTheDeadlineEnds() throws Exception {
        try (TricklingBackend trickling = new TricklingBackend()) {
            long started = System.nanoTime();

            assertThatThrownBy(() -> BoundedSend.send(client, get(trickling.url()), Duration.ofMillis(300), 1000))
                    .isInstanceOf(TimeoutException.class);
            // Not a speed check: the body would take 10 s, and its headers came at once.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url + "/x")).GET().build();
    }
}
