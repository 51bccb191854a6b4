package dev.tollgate.policy.quota;

import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.HeaderNames;
import dev.tollgate.http.Headers;
import dev.tollgate.pipeline.Exchange;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where one limit (a rate limit or a quota) stands after counting a request. A request may meet
 * several; one set of {@code RateLimit-*} headers can describe only one, so the tightest decides:
 * the least remaining, and on a tie the longest until reset, since that is the one the caller runs
 * into first and waits for longest.
 *
 * @param limit        {@code RateLimit-Limit}: a quota's limit, a token bucket's burst
 * @param remaining    {@code RateLimit-Remaining}: requests that would pass now
 * @param resetSeconds {@code RateLimit-Reset}: seconds until the limit is whole again, rounded up
 */
public record LimitStatus(long limit, long remaining, long resetSeconds) {

    private static final Comparator<LimitStatus> TIGHTEST = Comparator.comparingLong(LimitStatus::remaining)
            .thenComparing(Comparator.comparingLong(LimitStatus::resetSeconds).reversed());

    public static Optional<LimitStatus> tightest(List<LimitStatus> statuses) {
        return statuses.stream().min(TIGHTEST);
    }

    public Headers headers() {
        return Headers.builder()
                .set(HeaderNames.RATE_LIMIT_LIMIT, Long.toString(limit))
                .set(HeaderNames.RATE_LIMIT_REMAINING, Long.toString(remaining))
                .set(HeaderNames.RATE_LIMIT_RESET, Long.toString(resetSeconds))
                .build();
    }

    /**
     * The headers of a refusal: the tightest of the limits met so far and the refusing one, and
     * {@code Retry-After} from the refusing one.
     */
    public static Headers refusal(Exchange exchange, LimitStatus refusing, long retryAfterSeconds) {
        exchange.limit(refusing);
        return tightest(exchange.limits()).orElseThrow().headers().toBuilder()
                .set(HeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds)).build();
    }

    /**
     * An allowed answer with the headers of the tightest limit the request met; none when it met
     * none or was served uncounted, since headers would then promise what was not counted.
     */
    public static GatewayResponse withTightest(Exchange exchange, GatewayResponse response) {
        Optional<LimitStatus> tightest = tightest(exchange.limits());
        if (exchange.uncounted() || tightest.isEmpty()) {
            return response;
        }
        Headers headers = tightest.get().headers();
        return response.withHeaders(h -> h.setAll(headers));
    }
}
