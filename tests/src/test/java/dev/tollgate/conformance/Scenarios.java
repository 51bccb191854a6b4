package dev.tollgate.conformance;

import static dev.tollgate.conformance.Expect.body;
import static dev.tollgate.conformance.Expect.header;
import static dev.tollgate.conformance.Expect.headerAbsent;
import static dev.tollgate.conformance.Expect.headerMatches;
import static dev.tollgate.conformance.Expect.headerValues;
import static dev.tollgate.conformance.Expect.json;
import static dev.tollgate.conformance.Expect.problem;
import static dev.tollgate.conformance.Expect.received;
import static dev.tollgate.conformance.Expect.receivedNone;
import static dev.tollgate.conformance.Expect.receivedQuery;
import static dev.tollgate.conformance.Expect.status;
import static dev.tollgate.conformance.Scenario.assertStatuses;
import static dev.tollgate.conformance.Scenario.step;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.tollgate.testing.TestIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The scenarios, in the order of the request's path through the gateway; each names what it checks. */
final class Scenarios {

    private static final String NO_RESPONSE_LIMIT = "an Azure function's answer has no size limit of its own, where Lambda's"
            + " response payload is at most 6 MB";
    private static final String LAMBDA_RESPONSE_LIMIT = "Lambda carries back at most 6 MB of response payload"
            + " (the gateway's 502 problem instead, covered by the scenario beside this one)";

    /** Why the Azure adapters answer a repeated response header as one field. */
    static final String JAVA_WORKER_JOINS_HEADERS = "the Azure Functions Java worker carries one value per response header:"
            + " two Set-Cookie go out joined by \", \" (azure-functions-java-worker issue 788; docs/azure-functions.md)";

    /** Why the events' own shapes are fed only to the Lambda adapters. */
    static final String EVENT_SHAPE = "an API Gateway event's own shape: no HTTP request makes it (the local runner builds"
            + " its events from HTTP requests; the Functions host hands over no event)";
    /** Why raw HTTP is sent only to the local runners. */
    static final String FRONT_DOOR = "the platform's front end (API Gateway, the Functions host) refuses such HTTP before"
            + " the function runs; the local runners' emulation of it is what runs here";
    private static final String AZURE_BODY_LIMIT = "an Azure HTTP trigger takes bodies up to 100 MB (docs/azure-functions.md);"
            + " Tollgate's own limit there is the route's maxBodySize (the scenario beside this one)";
    private static final String NO_URI = "the Functions library hands the function a java.net.URI, which cannot hold a"
            + " malformed escape: such a request never reaches an Azure function (local-azure shows the host's 400)";
    private static final String CIRCUIT_OPEN = "urn:tollgate:problem:circuit-open";

    private static final String KEY = "x-api-key";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private Scenarios() {
    }

    static List<Scenario> all(Conformance on) {
        String token = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now).build());
        String scoped = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now).claim("scope", "reports:read").build());
        String expired = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now)
                .issueTime(Date.from(on.now.minus(Duration.ofHours(2))))
                .expirationTime(Date.from(on.now.minus(Duration.ofHours(1)))).build());
        String otherAudience = bearer(on, on.issuer.claims("alice", "another-api", on.now).build());
        byte[] binary = new byte[40_000];
        new Random(12).nextBytes(binary);
        String forged = bearer(on, TestIssuer.rsa("urn:tollgate:conformance", "conformance-key"),
                on.issuer.claims("alice", Conformance.AUDIENCE, on.now).build());
        String otherIssuer = bearer(on, TestIssuer.rsa("urn:tollgate:elsewhere", "conformance-key"),
                on.issuer.claims("alice", Conformance.AUDIENCE, on.now).issuer("urn:tollgate:elsewhere").build());
        byte[] large = new byte[1024 * 1024];
        new Random(13).nextBytes(large);
        byte[] utf8 = "{\"name\":\"Zoë\",\"city\":\"Kraków\",\"note\":\"€ ✓\"}".getBytes(StandardCharsets.UTF_8);
        String notYet = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now)
                .notBeforeTime(Date.from(on.now.plus(Duration.ofMinutes(10)))).build());
        String acme = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now).claim("tenant", "acme").build());
        String initech = bearer(on, on.issuer.claims("alice", Conformance.AUDIENCE, on.now).claim("tenant", "initech").build());
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'h', 'i', (byte) 0xc3, (byte) 0x28, 0, (byte) 0x80};
        byte[] gzipped = gzip("{\"compressed\":true}".repeat(50).getBytes(StandardCharsets.UTF_8));
        String bob = bearer(on, on.issuer.claims("bob", Conformance.AUDIENCE, on.now).issuer("urn:tollgate:conformance-counted").build());
        String carol = bearer(on, on.issuer.claims("carol", Conformance.AUDIENCE, on.now).issuer("urn:tollgate:conformance-counted").build());
        byte[] eleven = new byte[11 * 1024 * 1024];
        new Random(14).nextBytes(eleven);
        Call echo = Call.get("/dev/echo");
        Call open = Call.get("/dev/public");

        return List.of(
                // Credentials.
                Scenario.of("api key: accepted, the backend told the consumer", echo.header(KEY, "conformance-ok"),
                        status(200), json("/backend", "a"), received("x-tollgate-consumer", "conformance-ok"),
                        received("x-tollgate-plan", "open"), received(KEY, null)),
                Scenario.of("api key: missing is 401 with WWW-Authenticate", echo,
                        problem(401), headerMatches("www-authenticate", "(?i).*apikey.*")),
                Scenario.of("api key: unknown is 401 with WWW-Authenticate", echo.header(KEY, "no-such-key"),
                        problem(401), headerMatches("www-authenticate", "(?i).*apikey.*")),
                Scenario.of("api key: another stage's key is 403", echo.header(KEY, "conformance-prod"), problem(403)),
                Scenario.of("jwt: a valid token is accepted, the backend told the subject", echo.header("authorization", token),
                        status(200), received("x-tollgate-subject", "alice")),
                Scenario.of("jwt: an expired token is 401 invalid_token", echo.header("authorization", expired),
                        problem(401), headerMatches("www-authenticate", "(?i).*bearer.*invalid_token.*")),
                Scenario.of("jwt: another audience's token is 401 invalid_token", echo.header("authorization", otherAudience),
                        problem(401), headerMatches("www-authenticate", "(?i).*bearer.*invalid_token.*")),
                Scenario.of("api key: the header's name in any case", echo.header("X-API-Key", "conformance-ok"), status(200)),
                Scenario.of("jwt: a token signed by another key is 401 invalid_token", echo.header("authorization", forged),
                        problem(401), headerMatches("www-authenticate", "(?i).*bearer.*invalid_token.*")),
                Scenario.of("jwt: another issuer's token is 401 invalid_token", echo.header("authorization", otherIssuer),
                        problem(401), headerMatches("www-authenticate", "(?i).*bearer.*invalid_token.*")),
                Scenario.of("jwt: a malformed token is 401", echo.header("authorization", "Bearer not.a.token"), problem(401)),
                Scenario.of("credentials: another scheme (Basic) is 401 with the challenges",
                        echo.header("authorization", "Basic YWxpY2U6c2VjcmV0"), problem(401), headerMatches("www-authenticate", "(?i).*bearer.*")),
                Scenario.of("scopes: a token without the route's scope is 403 insufficient_scope",
                        Call.get("/dev/scoped").header("authorization", token),
                        problem(403), headerMatches("www-authenticate", "(?i).*bearer.*insufficient_scope.*")),
                Scenario.of("scopes: a token with the route's scope is accepted",
                        Call.get("/dev/scoped").header("authorization", scoped), status(200), received("x-tollgate-scopes", "reports:read")),

                Scenario.of("api key: an empty one is 401", echo.header(KEY, ""), problem(401)),
                Scenario.of("api key: on a route that takes only tokens is 401",
                        Call.get("/dev/scoped").header(KEY, "conformance-ok"), problem(401), headerMatches("www-authenticate", "(?i).*bearer.*")),
                Scenario.of("jwt: a token not yet valid (nbf) is 401 invalid_token", echo.header("authorization", notYet),
                        problem(401), headerMatches("www-authenticate", "(?i).*bearer.*invalid_token.*")),
                Scenario.of("jwt: an unsigned token (alg none) is 401", echo.header("authorization", "Bearer "
                        + "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ1cm46dG9sbGdhdGU6Y29uZm9ybWFuY2UiLCJzdWIiOiJhbGljZSJ9."), problem(401)),
                Scenario.of("claims: a token with an allowed claim value passes",
                        Call.get("/dev/tenant").header("authorization", acme), status(200), received("x-tollgate-subject", "alice")),
                Scenario.of("claims: a token with another value is 403", Call.get("/dev/tenant").header("authorization", initech),
                        problem(403)),
                Scenario.of("claims: a token without the claim is 403", Call.get("/dev/tenant").header("authorization", token),
                        problem(403)),

                // Limits.
                Scenario.sequence("rate limit: past the burst is 429 with RateLimit-* and Retry-After",
                        step(echo.header(KEY, "conformance-rate"), status(200), header("ratelimit-limit", "2"),
                                header("ratelimit-remaining", "1")),
                        step(echo.header(KEY, "conformance-rate"), status(200), header("ratelimit-remaining", "0")),
                        step(echo.header(KEY, "conformance-rate"), problem(429), headerMatches("retry-after", "[1-9][0-9]*"),
                                header("ratelimit-remaining", "0"))),
                Scenario.burst("quota: exactly 5 of 12 concurrent calls pass, the rest are 429", 12,
                        echo.header(KEY, "conformance-quota"), answers -> {
                            assertStatuses(answers, 200, 5);
                            assertStatuses(answers, 429, 7);
                        }),
                Scenario.sequence("usage endpoint: the consumer's quota, used and left",
                        step(echo.header(KEY, "conformance-usage"), status(200)),
                        step(echo.header(KEY, "conformance-usage"), status(200)),
                        step(Call.get("/dev/_tollgate/usage").header(KEY, "conformance-usage"), status(200),
                                json("/consumer", "conformance-usage"), json("/quotas/0/limit", "5"), json("/quotas/0/used", "2"))),

                Scenario.of("usage endpoint: without credentials is 401", Call.get("/dev/_tollgate/usage"), problem(401)),
                Scenario.of("limits: a counted call carries RateLimit-* of its quota", echo.header(KEY, "conformance-ok"),
                        status(200), header("ratelimit-limit", "100000"), headerMatches("ratelimit-remaining", "[0-9]+"),
                        headerMatches("ratelimit-reset", "[0-9]+")),
                Scenario.of("limits: a public route's answer carries no RateLimit-*", open, status(200), headerAbsent("ratelimit-limit")),

                // CORS.
                Scenario.of("cors: a preflight from an allowed origin is answered by the gateway",
                        Call.of("OPTIONS", "/dev/echo").header("origin", "http://localhost:3000")
                                .header("access-control-request-method", "POST"),
                        answer -> assertThat(answer.status()).as("status of %s", answer).isIn(200, 204),
                        header("access-control-allow-origin", "http://localhost:3000"),
                        headerMatches("access-control-allow-methods", ".*POST.*")),
                Scenario.of("cors: an error is readable cross-origin", echo.header("origin", "http://localhost:3000"),
                        problem(401), header("access-control-allow-origin", "http://localhost:3000")),

                Scenario.of("cors: a preflight from another origin is not allowed",
                        Call.of("OPTIONS", "/dev/echo").header("origin", "https://evil.example")
                                .header("access-control-request-method", "POST"), problem(403), headerAbsent("access-control-allow-origin")),
                Scenario.of("cors: a successful answer names the allowed origin", open.header("origin", "http://localhost:3000"),
                        status(200), header("access-control-allow-origin", "http://localhost:3000")),

                Scenario.of("cors: a preflight names the request headers it allows",
                        Call.of("OPTIONS", "/dev/echo").header("origin", "http://localhost:3000")
                                .header("access-control-request-method", "GET").header("access-control-request-headers", "x-api-key"),
                        headerMatches("access-control-allow-headers", "(?i).*x-api-key.*")),
                Scenario.of("cors: an error exposes its challenges and request id to the script",
                        echo.header("origin", "http://localhost:3000"), problem(401),
                        headerMatches("access-control-expose-headers", "(?i)(?=.*www-authenticate)(?=.*x-request-id).*")),

                // Methods and sizes.
                Scenario.of("method: DELETE on a GET/POST route is 405 with Allow", Call.of("DELETE", "/dev/public"),
                        problem(405), headerValues("allow", "GET", "POST")),
                Scenario.of("size: a body past maxBodySize is 413", Call.of("POST", "/dev/small")
                        .header("content-type", "text/plain").body("seventeen bytes!!".getBytes(StandardCharsets.UTF_8)), problem(413)),
                Scenario.of("size: a body of exactly maxBodySize passes", Call.of("POST", "/dev/small")
                        .header("content-type", "text/plain").body("sixteen bytes!!!".getBytes(StandardCharsets.UTF_8)),
                        status(200), json("/bodyLength", "16")),

                Scenario.of("ip access: a caller outside the route's allow list is 403", Call.get("/dev/ip/elsewhere"), problem(403)),
                Scenario.of("ip access: a caller inside it passes", Call.get("/dev/ip/allowed"), status(200)),
                Scenario.sequence("rate limit: a public route's counts per caller address",
                        step(Call.get("/dev/public/limited"), status(200)),
                        step(Call.get("/dev/public/limited"), status(200)),
                        step(Call.get("/dev/public/limited"), problem(429), headerMatches("retry-after", "[1-9][0-9]*"))),

                // Routing and stages.
                Scenario.of("routing: no route is a 404 problem", Call.get("/dev/nowhere"), problem(404)),
                Scenario.of("routing: a stage that does not exist is 404", Call.get("/nostage/public"), status(404)),
                Scenario.of("stage variables: prod's echoBackend is another backend",
                        Call.get("/prod/echo").header(KEY, "conformance-prod"), status(200), json("/backend", "b")),
                Scenario.of("path rules: stripPrefix", Call.get("/dev/api/items/7"), status(200), json("/path", "/items/7")),
                Scenario.of("path rules: targetPath, and response header rules", Call.get("/dev/legacy/9"),
                        status(200), json("/path", "/v2/orders/9"), headerAbsent("x-backend"), header("cache-control", "no-store")),
                Scenario.of("header rules: remove, set and add on the way in",
                        Call.get("/dev/api/items/7").header("x-debug", "1").header("x-tenant", "evil"),
                        status(200), received("x-debug", null), received("x-tenant", "acme"), received("x-extra", "gateway")),

                // Identity and correlation.
                Scenario.of("identity headers: a caller's, whatever their spelling, never reach the backend",
                        open.header("X-Tollgate-Consumer", "mallory").header("x-tollgate-plan", "gold")
                                .header("x_tollgate_subject", "mallory").header("X_TOLLGATE_SCOPES", "admin"),
                        status(200), receivedNone(name -> name.replace('_', '-').startsWith("x-tollgate-"), "no x-tollgate-*")),
                Scenario.of("identity headers: a caller's consumer is replaced by the key's",
                        echo.header(KEY, "conformance-ok").header("x-tollgate-consumer", "mallory"),
                        status(200), received("x-tollgate-consumer", "conformance-ok")),
                Scenario.of("request id: the caller's is kept, both ways", open.header("x-request-id", "conformance-req-1"),
                        status(200), header("x-request-id", "conformance-req-1"), received("x-request-id", "conformance-req-1")),
                Scenario.of("request id: an unfit one (a space, a quote) is replaced", open.header("x-request-id", "not \"fit\""),
                        status(200), headerMatches("x-request-id", "[-0-9a-f]{36}"),
                        answer -> received("x-request-id", answer.header("x-request-id")).check(answer)),
                Scenario.of("request id: one is made when the caller sends none", open, status(200),
                        headerMatches("x-request-id", "[-0-9a-zA-Z]{8,}"),
                        answer -> received("x-request-id", answer.header("x-request-id")).check(answer)),
                Scenario.of("trace context: the caller's trace id reaches the backend",
                        open.header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01"), status(200),
                        answer -> assertThat(answer.json().path("headers").path("traceparent").path(0).asText())
                                .as("the backend's traceparent, in %s", answer).startsWith("00-" + TRACE_ID + "-")),

                Scenario.of("forwarding: the caller's address is appended to its X-Forwarded-For; its Forwarded is dropped",
                        open.header("x-forwarded-for", "203.0.113.9").header("forwarded", "for=203.0.113.9;host=evil.example"),
                        status(200), received("x-forwarded-for", "203.0.113.9, 127.0.0.1"), received("forwarded", null)),
                Scenario.of("forwarding: a repeated request header reaches the backend with all its values",
                        open.header("x-repeated", "one").header("x-repeated", "two"), status(200),
                        answer -> assertThat(String.join(",", textValues(answer.json().path("headers").path("x-repeated")))
                                .replace(", ", ",")).as("the backend's x-repeated, in %s", answer).isEqualTo("one,two")),

                Scenario.of("trace context: one is started when the caller sends none", open, status(200),
                        answer -> assertThat(answer.json().path("headers").path("traceparent").path(0).asText())
                                .as("the backend's traceparent, in %s", answer).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")),
                Scenario.of("trace context: a malformed traceparent is replaced", open.header("traceparent", "00-nonsense-01"),
                        status(200), answer -> assertThat(answer.json().path("headers").path("traceparent").path(0).asText())
                                .as("the backend's traceparent, in %s", answer).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")),

                // Backend failures.
                Scenario.of("backend: refused is a 502 problem", Call.get("/dev/refused"), problem(502)),
                Scenario.of("backend: slower than the route's timeout is a 504 problem", Call.get("/dev/slow"), problem(504)),
                Scenario.of("backend: a GET is retried on 503 until it succeeds", Call.get("/dev/flaky"),
                        status(200), json("/attempt", "3")),
                Scenario.of("backend: a POST is never retried", Call.of("POST", "/dev/flaky"), status(503), json("/attempt", "1")),
                Scenario.sequence("backend: after 2 failures the circuit opens: 503 with Retry-After, the backend not called",
                        step(Call.get("/dev/broken"), problem(502)),
                        step(Call.get("/dev/broken"), problem(502)),
                        step(Call.get("/dev/broken"), problem(503), json("/type", "urn:tollgate:problem:circuit-open"),
                                headerMatches("retry-after", "[1-9][0-9]*"))),
                Scenario.of("backend: its 503 is passed on", Call.get("/dev/status/503"), status(503), json("/backend", "a")),
                Scenario.of("backend: its 404 is passed on", Call.get("/dev/status/404"), status(404), json("/backend", "a")),

                // Bodies, cookies, repeated fields.
                Scenario.of("binary: 40 000 random bytes reach the backend and come back byte for byte",
                        Call.of("POST", "/dev/bytes").header("content-type", "application/octet-stream").body(binary),
                        status(200), header("content-type", "application/octet-stream"), body(binary)),
                Scenario.of("binary: 1 MB of random bytes, byte for byte",
                        Call.of("POST", "/dev/bytes").header("content-type", "application/octet-stream").body(large),
                        status(200), body(large)),
                Scenario.of("text: a UTF-8 JSON body reaches the backend unchanged",
                        Call.of("POST", "/dev/public").header("content-type", "application/json; charset=utf-8").body(utf8),
                        status(200), json("/bodyLength", Integer.toString(utf8.length)), json("/bodySha256", EchoBackend.sha256(utf8))),
                Scenario.of("text: a POST without a body reaches the backend without one", Call.of("POST", "/dev/public"),
                        status(200), json("/method", "POST"), json("/bodyLength", "0")),
                Scenario.of("backend: its 500 is passed on, not retried into another answer", Call.get("/dev/status/500"),
                        status(500), json("/backend", "a")),
                Scenario.of("binary: bytes labelled text/plain that are not UTF-8, byte for byte both ways",
                        Call.of("POST", "/dev/bytes").header("content-type", "text/plain").body(notUtf8),
                        status(200), header("content-type", "text/plain"), body(notUtf8)),
                Scenario.of("binary: a gzip-encoded JSON body, byte for byte both ways",
                        Call.of("POST", "/dev/bytes").header("content-type", "application/json").header("content-encoding", "gzip")
                                .body(gzipped), status(200), header("content-encoding", "gzip"), body(gzipped)),
                Scenario.of("backend: an answer past Lambda's 6 MB is a 502 problem", Call.get("/dev/large"), problem(502))
                        .skipOn("azure-function", NO_RESPONSE_LIMIT).skipOn("local-azure", NO_RESPONSE_LIMIT),
                Scenario.of("backend: a 7 MB answer reaches the caller whole", Call.get("/dev/large"), status(200),
                        answer -> assertThat(answer.body().length).as("body length").isEqualTo(EchoBackend.LARGE_BYTES))
                        .skipOn("lambda-v2", LAMBDA_RESPONSE_LIMIT).skipOn("lambda-v1", LAMBDA_RESPONSE_LIMIT)
                        .skipOn("local-aws", LAMBDA_RESPONSE_LIMIT),
                Scenario.of("backend: an answer past the 10 MB the gateway reads is a 502 problem", Call.get("/dev/huge"), problem(502)),
                Scenario.sequence("weights: a backend of weight 0 never gets a request",
                        step(Call.get("/dev/canary"), status(200), json("/backend", "a")),
                        step(Call.get("/dev/canary"), status(200), json("/backend", "a")),
                        step(Call.get("/dev/canary"), status(200), json("/backend", "a")),
                        step(Call.get("/dev/canary"), status(200), json("/backend", "a"))),
                Scenario.of("headers: a value with a byte past ASCII is 400, naming the header",
                        open.header("x-customer-name", "Zo\u00eb"), problem(400),
                        answer -> assertThat(answer.json().path("detail").asText()).as("detail").contains("x-customer-name")),
                Scenario.of("query: a plus sign and an empty value", open.query("q=a+b&flag="), status(200),
                        receivedQuery(Map.of("q", List.of("a b"), "flag", List.of("")))),
                Scenario.of("path: an encoded slash is 400", Call.get("/dev/api/items/a%2Fb"), problem(400)),
                Scenario.of("path: a dot segment is 400", Call.get("/dev/api/items/../../echo"), problem(400)),
                Scenario.of("path: an encoded segment reaches the backend encoded", Call.get("/dev/api/items/a%20b"),
                        status(200), json("/path", "/items/a%20b")),
                Scenario.of("method: HEAD answers without a body", Call.of("HEAD", "/dev/multi"),
                        status(200), answer -> assertThat(answer.body()).as("body of %s", answer).isEmpty()),
                Scenario.of("query: repeated and encoded parameters reach the backend",
                        open.query("a=1&a=2&b=x%20y&c=%C3%A9"), status(200),
                        receivedQuery(Map.of("a", List.of("1", "2"), "b", List.of("x y"), "c", List.of("é")))),
                Scenario.of("cookies: the caller's cookies reach the backend", open.header("cookie", "a=1; b=2"),
                        status(200), received("cookie", "a=1; b=2")),
                Scenario.of("response headers: a repeated header's values all reach the caller", Call.get("/dev/multi"),
                        status(200), headerValues("x-multi", "one", "two")),
                Scenario.of("response headers: two Set-Cookie reach the caller as two fields", Call.get("/dev/multi"),
                        status(200), answer -> assertThat(answer.all("set-cookie")).as("set-cookie of %s", answer)
                                .containsExactly("a=1; Path=/", "b=2; Path=/"))
                        .skipOn("azure-function", JAVA_WORKER_JOINS_HEADERS)
                        .skipOn("local-azure", JAVA_WORKER_JOINS_HEADERS),

                // Keys from the platform's keys store, not the configuration file.
                Scenario.of("keys store: a key created there is accepted, with its consumer and plan",
                        echo.header(KEY, Conformance.STORED_KEY), status(200), received("x-tollgate-consumer", "conformance-stored"),
                        received("x-tollgate-plan", "five"), header("ratelimit-limit", "5")),
                Scenario.of("keys store: a key revoked there is 401", echo.header(KEY, Conformance.REVOKED_KEY),
                        problem(401), headerMatches("www-authenticate", "(?i).*apikey.*")),

                // Windows that end, on the real clock.
                new Scenario("rate limit: the window rolls over: 429 with Retry-After 1, then passes again", adapter -> {
                    Call call = echo.header(KEY, "conformance-second");
                    step(call, status(200)).run(adapter);
                    step(call, problem(429), header("retry-after", "1")).run(adapter);
                    Scenario.awaitAnswer(adapter, call, answer -> answer.status() == 200, problem(429), Duration.ofMillis(2500));
                }, Map.of()),
                Scenario.sequence("quota: a 429's Retry-After and RateLimit-Reset are the seconds until the hour ends",
                        step(echo.header(KEY, "conformance-hour"), status(200), secondsUntilTheHourEnds("ratelimit-reset")),
                        step(echo.header(KEY, "conformance-hour"), problem(429), secondsUntilTheHourEnds("retry-after"),
                                secondsUntilTheHourEnds("ratelimit-reset"), header("ratelimit-remaining", "0"))),
                new Scenario("backend: an open circuit lets a probe through after openFor, and closes when it succeeds", adapter -> {
                    Call call = Call.get("/dev/recovering/" + adapter.name());
                    step(call, status(503), json("/attempt", "1")).run(adapter);
                    step(call, status(503), json("/attempt", "2")).run(adapter);
                    step(call, problem(503), json("/type", CIRCUIT_OPEN), header("retry-after", "1")).run(adapter);
                    Answer probe = Scenario.awaitAnswer(adapter, call, answer -> answer.status() == 200,
                            answer -> json("/type", CIRCUIT_OPEN).check(answer), Duration.ofMillis(2500));
                    json("/attempt", "3").check(probe);
                    step(call, status(200), json("/attempt", "4")).run(adapter);
                }, Map.of()),

                // A burst counted per JWT subject.
                new Scenario("quota: a burst of 12 with one JWT subject: exactly 5 pass; another subject is counted apart", adapter -> {
                    Scenario.burst("", 12, echo.header("authorization", bob), answers -> {
                        assertStatuses(answers, 200, 5);
                        assertStatuses(answers, 429, 7);
                    }).exchange().run(adapter);
                    step(echo.header("authorization", carol), status(200), received("x-tollgate-subject", "carol"),
                            header("ratelimit-remaining", "4")).run(adapter);
                }, Map.of()),

                // Sizes past the platforms' front doors.
                Scenario.of("size: an 11 MB body to a route of 16 bytes is 413",
                        Call.of("POST", "/dev/small").header("content-type", "application/octet-stream").body(eleven),
                        status(413)),
                Scenario.of("size: an 11 MB body is 413, past API Gateway's 10 MB",
                        Call.of("POST", "/dev/bytes").header("content-type", "application/octet-stream").body(eleven),
                        status(413))
                        .skipOn("azure-function", AZURE_BODY_LIMIT).skipOn("local-azure", AZURE_BODY_LIMIT),

                // Malformed requests, as each platform can deliver them.
                Scenario.of("path: a bad escape (%zz) is 400", Call.get("/dev/api/items/%zz"), status(400))
                        .skipOn("azure-function", NO_URI),
                Scenario.of("path: encoded dot segments (%2e%2e) are 400", Call.get("/dev/api/items/%2e%2e/%2e%2e/echo"), status(400)),
                Scenario.of("query: a parameter without '=' and one with an empty value", open.query("flag&empty="), status(200),
                        receivedQuery(Map.of("flag", List.of(""), "empty", List.of("")))),
                Scenario.of("http: header values past 10 KB are 431", open.header("x-large", "x".repeat(40_000)), status(431))
                        .skipOn("lambda-v2", FRONT_DOOR).skipOn("lambda-v1", FRONT_DOOR).skipOn("azure-function", FRONT_DOOR),
                Scenario.of("http: a Content-Length that is not a number is 400",
                        Call.of("POST", "/dev/public").header("content-length", "ten"), status(400))
                        .skipOn("lambda-v2", FRONT_DOOR).skipOn("lambda-v1", FRONT_DOOR).skipOn("azure-function", FRONT_DOOR),
                lambdaEvent("lambda event: no body, yet marked isBase64Encoded", Call.of("POST", "/dev/public"),
                        (v2, event) -> event.putNull("body").put("isBase64Encoded", true),
                        status(200), json("/bodyLength", "0")),
                lambdaEvent("lambda event: no headers at all", open, (v2, event) -> {
                    if (v2) {
                        event.remove("headers");
                        event.remove("cookies");
                    } else {
                        event.putNull("headers").putNull("multiValueHeaders");
                    }
                }, status(200), json("/backend", "a"), headerMatches("x-request-id", ".+")),
                lambdaEvent("lambda event: the $default stage is the function's own (TOLLGATE_STAGE dev): dev's key passes",
                        echo.header(KEY, "conformance-ok"), (v2, event) -> {
                            ObjectNode context = (ObjectNode) event.path("requestContext");
                            context.put("stage", "$default");
                            if (v2) {
                                event.put("rawPath", "/echo").put("routeKey", "$default");
                                ((ObjectNode) context.path("http")).put("path", "/echo");
                            } else {
                                context.put("path", "/echo");
                            }
                        }, status(200), json("/backend", "a"), received("x-tollgate-consumer", "conformance-ok")));
    }

    /**
     * A scenario of an event API Gateway can send but no HTTP request makes: the call's event, changed by
     * {@code change} (given whether it is payload 2.0), fed to the Lambda adapters only.
     */
    private static Scenario lambdaEvent(String name, Call call, java.util.function.BiConsumer<Boolean, ObjectNode> change,
                                        Expect... expected) {
        return new Scenario(name, adapter -> {
            LambdaAdapter lambda = (LambdaAdapter) adapter;
            ObjectNode event = lambda.event(call);
            change.accept(lambda.v2(), event);
            Answer answer = lambda.invoke(event);
            for (Expect expect : expected) {
                expect.check(answer);
            }
        }, Map.of()).skipOn("azure-function", EVENT_SHAPE).skipOn("local-aws", EVENT_SHAPE).skipOn("local-azure", EVENT_SHAPE);
    }

    /** The header is the seconds from now until the current UTC hour ends, give or take 2 (the answer's own now). */
    private static Expect secondsUntilTheHourEnds(String name) {
        return answer -> {
            Instant now = Instant.now();
            long left = Duration.between(now, now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1))).toSeconds();
            assertThat(Long.parseLong(answer.header(name))).as("%s of %s", name, answer).isBetween(left - 2, left + 2);
        };
    }

    private static String bearer(Conformance on, JWTClaimsSet claims) {
        return bearer(on, on.issuer, claims);
    }

    private static String bearer(Conformance on, TestIssuer issuer, JWTClaimsSet claims) {
        return "Bearer " + issuer.sign(claims);
    }

    private static byte[] gzip(byte[] bytes) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static List<String> textValues(com.fasterxml.jackson.databind.JsonNode values) {
        List<String> texts = new java.util.ArrayList<>();
        values.forEach(value -> texts.add(value.asText()));
        return texts;
    }
}
