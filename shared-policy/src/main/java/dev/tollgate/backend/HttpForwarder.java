package dev.tollgate.backend;

import dev.tollgate.backend.breaker.CircuitBreaker;
import dev.tollgate.backend.breaker.CircuitBreakers;
import dev.tollgate.config.PlatformLimits;
import dev.tollgate.http.BoundedSend;
import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.GatewayResponse;
import dev.tollgate.http.Headers;
import dev.tollgate.observe.Observed;
import dev.tollgate.observe.Outcome;
import dev.tollgate.pipeline.Exchange;
import dev.tollgate.policy.route.RouteConfig;
import dev.tollgate.policy.route.RouteMatch;
import dev.tollgate.problem.BackendTimeoutException;
import dev.tollgate.problem.BackendUnavailableException;
import dev.tollgate.problem.CircuitOpenException;
import dev.tollgate.problem.GatewayException;
import dev.tollgate.problem.NoBackendTaskException;
import dev.tollgate.problem.ResponseTooLargeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.logging.Logger;

/**
 * Sends a request on to the route's backend with the JDK's HTTP client and hands back its answer.
 * Which headers pass each way is for {@link ForwardedHeaders} to say; the route's path rewrite applies, and
 * the characters of the path and query a URI cannot hold are percent-encoded ({@link TargetUri}).
 * Idempotent requests are tried again as the route's {@link RetryConfig} says; each try has the
 * route's timeout, for the whole answer, body included, and its connect timeout, and all of a
 * request's tries and waits fit in its {@link RetryBudget}. A refused connection is 502, no
 * whole answer within the route's timeout is 504, a body larger than {@link #MAX_ANSWER_BYTES} is
 * 502 (response too large). The time inside sends, the tries and the circuit's state are noted in
 * the exchange's {@link Observed}.
 *
 * <p>An {@code ecs://} backend's tasks come from the {@link BackendResolver}: finding one spends
 * from the same budget (a first lookup of the service's tasks waits no longer than leaves
 * {@link RetryBudget#MIN_TRY} for the try, or the request is 503 no-backend-task), and is not the backend's
 * time: the try that follows starts, and is timed, once its task is known, with what is left. Each
 * try goes to a task this request has not tried while there is one; a task that could not be connected to is
 * reported back (the resolver passes it over for a while), and the request moves to another task
 * at once, once, whatever its method, since nothing was sent. Circuit breakers ({@link CircuitBreakers}) are per
 * endpoint, so each task has its own; when a task's circuit is open, another task takes the try.
 */
public final class HttpForwarder {

    private static final Logger LOG = Logger.getLogger(HttpForwarder.class.getName());
    /** Tries a request to an ECS service may move to another task after a connection never made, beside its retries. */
    static final int UNCONNECTED_TASK_FAILOVERS = 1;
    /**
     * The most of a backend's body the gateway reads: more than AWS Lambda's 6 MB, so that
     * {@link dev.tollgate.policy.size.ResponseSizePolicy} answers for what lies between with its own
     * detail, and bounded, so that no backend can fill the function's memory.
     */
    static final long MAX_ANSWER_BYTES = 10L * 1024 * 1024;
    /** A task found with less than {@link RetryBudget#MIN_TRY} left is 503: the next request finds it at once. */
    static final long FOUND_TOO_LATE_RETRY_AFTER_SECONDS = 1;

    /** One client per connect timeout: the JDK sets it per client, and routes share the few values in use. */
    private final ConcurrentHashMap<Duration, HttpClient> clients = new ConcurrentHashMap<>();
    private final CircuitBreakers breakers;
    private final BackendResolver resolver;
    private final RetryBudget budget;
    private final DoubleSupplier random;

    /** A forwarder without ECS discovery: {@code ecs://} backends are a 502 problem. */
    public HttpForwarder() {
        this(BackendResolver.NONE);
    }

    /** A forwarder for a platform of {@link PlatformLimits#DEFAULT}. */
    public HttpForwarder(BackendResolver resolver) {
        this(resolver, PlatformLimits.DEFAULT);
    }

    /**
     * Waits and draws come from SecureRandom, whose every draw mixes in fresh bytes of the platform:
     * environments restored from one SnapStart snapshot would otherwise share a seed, and their
     * retries would jitter in step.
     *
     * @param resolver finds the tasks of {@code ecs://} backends
     * @param platform no try outlasts its longest wait, and a request's tries and waits all fit in it
     */
    public HttpForwarder(BackendResolver resolver, PlatformLimits platform) {
        this(resolver, platform, duration -> Thread.sleep(duration.toMillis()), new SecureRandom()::nextDouble);
    }

    /**
     * @param sleeper waits between tries
     * @param random  numbers in [0, 1): they scale each wait and draw weighted backends
     */
    public HttpForwarder(RetryBudget.Sleeper sleeper, DoubleSupplier random) {
        this(BackendResolver.NONE, sleeper, random);
    }

    /**
     * @param resolver finds the tasks of {@code ecs://} backends
     * @param sleeper  waits between tries
     * @param random   numbers in [0, 1): they scale each wait and draw weighted backends
     */
    public HttpForwarder(BackendResolver resolver, RetryBudget.Sleeper sleeper, DoubleSupplier random) {
        this(resolver, PlatformLimits.DEFAULT, sleeper, random);
    }

    /**
     * @param resolver finds the tasks of {@code ecs://} backends
     * @param platform no try outlasts its longest wait, and a request's tries and waits all fit in it
     * @param sleeper  waits between tries
     * @param random   numbers in [0, 1): they scale each wait and draw weighted backends
     */
    public HttpForwarder(BackendResolver resolver, PlatformLimits platform, RetryBudget.Sleeper sleeper, DoubleSupplier random) {
        this.resolver = resolver;
        this.breakers = new CircuitBreakers(platform.maxTimeout());
        this.budget = new RetryBudget(platform.maxTimeout(), sleeper, random);
        this.random = random;
    }

    /** A client fit for forwarding: HTTP/1.1, no redirects followed (the caller sees them). */
    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * Makes, at init, the clients the routes will send with (one per connect timeout), so that their
     * setup (the JDK client's selector thread, its TLS context) is not part of the first request, and a
     * SnapStart snapshot holds them made.
     */
    public void prepare(Collection<RouteConfig> routes) {
        routes.forEach(route -> clients.computeIfAbsent(route.connectTimeout(), HttpForwarder::client));
    }

    /** The clients made so far, one per connect timeout. */
    int clients() {
        return clients.size();
    }

    /** The tasks of the ECS services this forwarder reaches, and how their lookups went. */
    public BackendResolver resolver() {
        return resolver;
    }

    /** Forwards a request that matched {@code match}, to that route's backend, with its path parameters. */
    public GatewayResponse forward(Exchange exchange, RouteMatch.Configured match) {
        try {
            return tryForward(exchange, match);
        } catch (CircuitOpenException open) {
            exchange.observed().outcome(Outcome.CIRCUIT_OPEN);
            throw open;
        } catch (BackendTimeoutException | BackendUnavailableException failure) {
            exchange.observed().outcome(Outcome.BACKEND_ERROR);
            throw failure;
        } catch (ResponseTooLargeException tooLarge) {
            exchange.observed().outcome(Outcome.BACKEND_ERROR);
            exchange.observed().outcome(Outcome.RESPONSE_TOO_LARGE);
            throw tooLarge;
        }
    }

    private GatewayResponse tryForward(Exchange exchange, RouteMatch.Configured match) {
        RouteConfig route = match.route();
        GatewayRequest request = exchange.request();
        Observed observed = exchange.observed();
        BackendTarget chosen = choose(route.backends());
        BackendAddress address = chosen.resolve(request.stageVariables()).orElseThrow(() -> new BackendUnavailableException(
                "Stage " + request.stage() + " has no usable backend for " + chosen
                        + "; set the stage variable to an http(s) URL or " + EcsService.FORM + ".", null));
        String path = route.rewrite().apply(request.path(), match.pathParameters());
        HttpRequest.Builder outgoing = outgoing(request, ForwardedHeaders.toBackend(exchange, route.requestHeaders()));
        RetryConfig retry = route.retry();
        int retries = retry.retries(request.method()) ? retry.retries() : 0;
        int failovers = address instanceof EcsService ? UNCONNECTED_TASK_FAILOVERS : 0;
        Set<URI> tried = new HashSet<>(4);
        // From the request's arrival, as the platform counts: time in earlier policies (a JWKS fetch) is spent too.
        long deadline = budget.deadline(exchange.arrivedNanos());
        // Results and later acquires are dated when they happen: a circuit opened by a slow failure stays open its whole openFor.
        Endpoint endpoint = open(address, tried, route, exchange, exchange.nanoTime(), deadline, false, observed);
        // Each try starts when its endpoint is known: looking up an ECS service's tasks spends the budget, but is no backend time.
        long started = endpoint.readyAt();
        for (int retried = 0; ; ) {
            Duration timeout = RetryBudget.tryTimeout(route.timeout(), started, deadline);
            HttpResponse<byte[]> response;
            try {
                response = send(clients.computeIfAbsent(route.connectTimeout(), HttpForwarder::client),
                        outgoing.copy().uri(TargetUri.of(endpoint.base(), path, request.rawQuery())).build(),
                        timeout, route.connectTimeout());
            } catch (ResponseTooLargeException tooLarge) {
                // The backend answered: its circuit counts the try a success, and another try would fetch as much again.
                long ended = exchange.nanoTime();
                observed.backendTry(ended - started);
                endpoint.record(true, exchange.at(ended), observed);
                throw tooLarge;
            } catch (GatewayException failure) {
                long ended = exchange.nanoTime();
                Instant failed = exchange.at(ended);
                observed.backendTry(ended - started);
                endpoint.record(false, failed, observed);
                Endpoint another = null;
                if (address instanceof EcsService service && notConnected(failure)) {
                    resolver.connectionFailed(service, endpoint.base(), failed);
                    // A connection never made sent nothing, so another task may take the request, whatever its method.
                    if (failovers > 0 && RetryBudget.leavesATry(ended, deadline)) {
                        failovers--;
                        another = open(address, tried, route, exchange, ended, deadline, true, observed);
                    }
                }
                if (another == null) {
                    OptionalLong resumed = retried < retries
                            ? pause(retry.backoffBound(++retried), exchange, ended, deadline)
                            : OptionalLong.empty();
                    if (resumed.isEmpty()) {
                        throw failure;
                    }
                    another = open(address, tried, route, exchange, resumed.getAsLong(), deadline, false, observed);
                }
                endpoint = another;
                started = endpoint.readyAt();
                continue;
            } catch (RuntimeException unexpected) {
                // A breaker acquired must hear how the try went, or a half-open circuit would keep this probe's slot.
                endpoint.record(false, exchange.at(exchange.nanoTime()), observed);
                throw unexpected;
            }
            long ended = exchange.nanoTime();
            observed.backendTry(ended - started);
            endpoint.record(response.statusCode() < 500, exchange.at(ended), observed);
            if (retried < retries && retry.statuses().contains(response.statusCode())) {
                OptionalLong resumed = pause(retry.backoffBound(++retried), exchange, ended, deadline);
                if (resumed.isPresent()) {
                    endpoint = open(address, tried, route, exchange, resumed.getAsLong(), deadline, false, observed);
                    started = endpoint.readyAt();
                    continue;
                }
            }
            Headers.Builder returned = ForwardedHeaders.fromBackend(response.headers()).toBuilder();
            route.responseHeaders().applyTo(returned, request.stage(), request.stageVariables());
            return new GatewayResponse(response.statusCode(), returned.build(), response.body());
        }
    }

    /**
     * The endpoint of the next try, its circuit breaker acquired. A fixed URL is its own endpoint;
     * an ECS service's is the task the resolver picks, another than those tried while there is one,
     * and another again when that task's circuit is open. The resolver may wait for a lookup of the
     * service's tasks as long as the budget leaves {@link RetryBudget#MIN_TRY} for the try, no longer.
     *
     * @param at       the ticker's reading now
     * @param deadline the ticker's reading when the request's budget ends
     * @param onlyNew  whether to answer null rather than an endpoint this request has tried
     */
    private Endpoint open(BackendAddress address, Set<URI> tried, RouteConfig route, Exchange exchange, long at, long deadline,
                          boolean onlyNew, Observed observed) {
        while (true) {
            URI base;
            if (address instanceof EcsService service) {
                Duration within = RetryBudget.lookupWithin(at, deadline);
                base = resolver.endpoint(service, tried, exchange.at(at), within);
                at = exchange.nanoTime();
                if (!RetryBudget.leavesATry(at, deadline)) {
                    // Its task was found too late for a try: no backend task could take the request in time.
                    LOG.warning("a request to " + service + " is 503: finding its task left less than " + RetryBudget.MIN_TRY.toMillis()
                            + " ms of the request's " + budget.budget().toSeconds() + " s");
                    throw new NoBackendTaskException(FOUND_TOO_LATE_RETRY_AFTER_SECONDS);
                }
            } else {
                base = ((BackendAddress.Url) address).base();
            }
            Instant now = exchange.at(at);
            boolean untried = tried.add(base);
            if (onlyNew && !untried) {
                return null;
            }
            CircuitBreaker breaker = route.circuitBreaker().map(settings -> breakers.of(base, settings)).orElse(null);
            if (breaker == null) {
                return new Endpoint(base, null, at);
            }
            try {
                note(observed, breaker, breaker.acquire(now));
                return new Endpoint(base, breaker, at);
            } catch (CircuitOpenException open) {
                note(observed, breaker, Optional.empty());
                if (!(address instanceof EcsService) || !untried) {
                    throw open;
                }
                // This task's circuit is open; another task of the service may take the try.
            }
        }
    }

    /** The connection was never made: refused, no route, or not accepted within the connect timeout. */
    private static boolean notConnected(GatewayException failure) {
        return failure.getCause() instanceof ConnectException || failure.getCause() instanceof NoRouteToHostException
                || failure.getCause() instanceof HttpConnectTimeoutException;
    }

    /**
     * Where one try goes, the circuit breaker it answers to (null when the route has none), and the
     * ticker's reading when it was known, which is when the try starts.
     */
    private record Endpoint(URI base, CircuitBreaker breaker, long readyAt) {
        void record(boolean success, Instant now, Observed observed) {
            if (breaker != null) {
                note(observed, breaker, breaker.record(success, now));
            }
        }
    }

    /**
     * The request as the backend gets it, but for its URI. Built before any circuit breaker is
     * acquired: a header value that cannot pass unchanged (see {@link ForwardedHeaders#plain}) is the caller's 400,
     * and must not cost a half-open circuit its probe.
     */
    private static HttpRequest.Builder outgoing(GatewayRequest request, Headers headers) {
        HttpRequest.Builder outgoing = HttpRequest.newBuilder()
                .method(request.method(), request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        headers.forEach((name, values) -> values.forEach(value -> outgoing.header(name, ForwardedHeaders.passable(name, value))));
        return outgoing;
    }

    /**
     * One try: its answer, body included, within {@code timeout}. The JDK's request timeout stops at the
     * headers, so the deadline is kept here, and a try past it is cancelled, its connection given up.
     */
    private static HttpResponse<byte[]> send(HttpClient client, HttpRequest request, Duration timeout, Duration connectTimeout) {
        try {
            return BoundedSend.send(client, request, timeout, MAX_ANSWER_BYTES);
        } catch (TimeoutException e) {
            throw new BackendTimeoutException("The backend did not answer within " + describe(timeout) + ".", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), connectTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("The request to the backend was interrupted.", e);
        }
    }

    private static RuntimeException failure(Throwable cause, Duration connectTimeout) {
        if (cause instanceof HttpConnectTimeoutException) {
            return new BackendTimeoutException("The backend did not accept a connection within " + describe(connectTimeout) + ".", cause);
        }
        if (cause instanceof BoundedSend.TooLarge) {
            return new ResponseTooLargeException("The backend's answer is larger than " + MAX_ANSWER_BYTES / (1024 * 1024)
                    + " MB, more than the gateway reads.");
        }
        if (cause instanceof IOException) {
            return new BackendUnavailableException("The backend could not be reached.", cause);
        }
        return cause instanceof RuntimeException unexpected ? unexpected : new IllegalStateException(cause);
    }

    /** A backend by weight, drawn anew for every request. */
    private BackendTarget choose(List<WeightedBackend> backends) {
        if (backends.size() == 1) {
            return backends.get(0).target();
        }
        int total = backends.stream().mapToInt(WeightedBackend::weight).sum();
        double draw = random.getAsDouble() * total;
        for (WeightedBackend backend : backends) {
            draw -= backend.weight();
            if (draw < 0) {
                return backend.target();
            }
        }
        return backends.get(backends.size() - 1).target();
    }

    /** Waits before a retry as the budget allows (see {@link RetryBudget#pause}). */
    private OptionalLong pause(Duration bound, Exchange exchange, long now, long deadline) {
        try {
            return budget.pause(bound, exchange::nanoTime, now, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("The request to the backend was interrupted.", e);
        }
    }

    /** The circuit's state as this request leaves it, and the change it made, if any. */
    private static void note(Observed observed, CircuitBreaker breaker, Optional<CircuitBreaker.Transition> change) {
        change.ifPresent(made -> observed.circuitChange(made.from().label(), made.to().label()));
        observed.circuit(breaker.state().label());
    }

    private static String describe(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
