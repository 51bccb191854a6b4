package dev.tollgate.e2e;

import static dev.tollgate.e2e.ExampleEndToEndTest.assertProblem;
import static dev.tollgate.e2e.LocalTollgate.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.policy.auth.apikey.CachingKeyStore;
import dev.tollgate.testing.MutableClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys of the keys table through the local runner, made by the {@code keys} command's own code:
 * used, revoked (401 once the function's cache of keys has expired), expired, rotated (the old key
 * works for its grace period, and the consumer's quota carries on). The runner's clock is a
 * {@link MutableClock} from the middle of the hour; the tests together move it less than 30 minutes.
 */
class ApiKeysEndToEndTest {

    private static final MutableClock CLOCK = new MutableClock(LocalTollgate.midHour());
    private static LocalTollgate tollgate;
    private static KeysCli keys;

    @BeforeAll
    static void start() throws Exception {
        tollgate = LocalTollgate.start(LocalTollgate.EXAMPLE, Map.of(
                "dev", Map.of("ordersBackend", "http://127.0.0.1:0"),
                "prod", Map.of("ordersBackend", "http://127.0.0.1:0")), true, CLOCK);
        keys = new KeysCli(tollgate, CLOCK);
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    @Test
    void aCreatedKey_reachesTheBackend_asItsConsumer_onItsStageOnly() {
        KeysCli.Made made = keys.create("e2e-created");

        HttpResponse<String> response = get("/dev/orders", made.key());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("identity").path("consumer").asText()).isEqualTo("e2e-created");
        assertThat(json(response).path("identity").path("plan").asText()).isEqualTo("developer");
        assertProblem(get("/prod/orders", made.key()), 403, "The API key is not valid on stage prod.");
    }

    @Test
    void aRevokedKey_keepsWorkingForTheCacheTtl_thenIs401() {
        KeysCli.Made made = keys.create("e2e-revoked");
        assertThat(get("/dev/orders", made.key()).statusCode()).isEqualTo(200);

        keys.revoke(made.id());

        assertThat(get("/dev/orders", made.key()).statusCode()).isEqualTo(200); // the warm instance's cache
        CLOCK.advance(CachingKeyStore.DEFAULT_TTL.minusSeconds(1));
        assertThat(get("/dev/orders", made.key()).statusCode()).isEqualTo(200);
        CLOCK.advance(Duration.ofSeconds(1));
        HttpResponse<String> revoked = get("/dev/orders", made.key());
        assertProblem(revoked, 401, "The API key has been revoked.");
        assertThat(revoked.headers().firstValue("www-authenticate").orElseThrow())
                .contains("ApiKey realm=\"tollgate\", header=\"x-api-key\"");
    }

    @Test
    void aKeyMadeToExpire_worksUntilThen_andIs401SayingWhen() {
        KeysCli.Made made = keys.create("e2e-expiring", "--expires", "5m");
        Instant expiry = CLOCK.instant().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        assertThat(get("/dev/orders", made.key()).statusCode()).isEqualTo(200);

        CLOCK.set(expiry.minusMillis(1));
        assertThat(get("/dev/orders", made.key()).statusCode()).isEqualTo(200);
        CLOCK.set(expiry);

        assertProblem(get("/dev/orders", made.key()), 401, "The API key expired at " + expiry + ".");
    }

    @Test
    void aRotatedKey_keepsItsConsumersQuota_andTheOldKeyWorksForItsGrace_only() {
        KeysCli.Made old = keys.create("e2e-rotated");
        for (int i = 0; i < 3; i++) {
            assertThat(get("/dev/orders", old.key()).statusCode()).isEqualTo(200);
        }

        KeysCli.Made next = keys.rotate(old.id(), "--grace", "10m");

        assertThat(next.key()).isNotEqualTo(old.key());
        assertThat(get("/dev/orders", next.key()).statusCode()).isEqualTo(200);
        assertThat(usedBy(next.key())).isEqualTo(4); // one consumer, one quota: rotation resets nothing
        CLOCK.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(get("/dev/orders", old.key()).statusCode()).isEqualTo(200); // within the grace period
        assertThat(usedBy(next.key())).isEqualTo(5);
        CLOCK.advance(Duration.ofSeconds(1));
        HttpResponse<String> afterGrace = get("/dev/orders", old.key());
        assertThat(afterGrace.statusCode()).isEqualTo(401);
        assertThat(json(afterGrace).path("detail").asText()).startsWith("The API key expired at ");
        assertThat(get("/dev/orders", next.key()).statusCode()).isEqualTo(200);
        assertThat(usedBy(next.key())).isEqualTo(6);
    }

    @Test
    void theFilesDemoKeys_keepWorking_besideTheTables() {
        assertThat(get("/dev/orders", "demo-dev-key").statusCode()).isEqualTo(200);
        assertProblem(get("/dev/orders", "tg_not-a-key-anyone-made"), 401, "The API key is not valid.");
    }

    private static HttpResponse<String> get(String path, String key) {
        return tollgate.get(path, "x-api-key", key);
    }

    private static long usedBy(String key) {
        HttpResponse<String> usage = get("/dev/_tollgate/usage", key);
        assertThat(usage.statusCode()).isEqualTo(200);
        return json(usage).path("quota").path("used").asLong();
    }
}
