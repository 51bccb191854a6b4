package dev.tollgate.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.tollgate.emulators.LocalEcsApi;
import dev.tollgate.emulators.LocalEcsApi.Binding;
import dev.tollgate.emulators.LocalEcsApi.Task;
import dev.tollgate.backend.EcsService;
import dev.tollgate.problem.NoBackendTaskException;
import dev.tollgate.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@link EcsBackendResolver} with the real SDK {@link EcsClient}, built as the function builds it,
 * against a local JSON 1.1 endpoint ({@link LocalEcsApi}). Background refreshes run when the test runs them, and time is a
 * {@link MutableClock}: nothing sleeps.
 */
class EcsBackendResolverTest {

    private static final EcsService ORDERS = new EcsService("prod", "orders", OptionalInt.of(8080));
    private static final Logger LOG = Logger.getLogger(EcsBackendResolver.class.getName());
    /** The client's call timeout, with room for a busy machine; the SDK's defaults take minutes. */
    private static final Duration UNANSWERED_CALL_BOUND = AwsGateway.ECS_CALL_TIMEOUT.plusSeconds(5);
    /** What a request can wait for a lookup with nearly all of its budget left. */
    private static final Duration AMPLE = Duration.ofSeconds(29);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final Queue<Runnable> background = new ArrayDeque<>();
    private final Executor refresher = background::add;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler logged = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private LocalEcsApi api;
    private EcsClient ecs;
    private EcsBackendResolver resolver;

    @BeforeEach
    void start() throws Exception {
        api = LocalEcsApi.start(0);
        ecs = LocalEcsClients.of(api);
        resolver = new EcsBackendResolver(ecs, clock, refresher);
        LOG.addHandler(logged);
    }

    @AfterEach
    void stop() {
        LOG.removeHandler(logged);
        ecs.close();
        api.close();
    }

    @Test
    void everyPageOfListTasks_isDescribedInBatchesOf100_andEveryTaskTakesRequests() {
        List<Task> tasks = IntStream.range(0, 250).mapToObj(i -> Task.running(id(i), "10.0." + (i / 200) + "." + (i % 200))).toList();
        api.putService("prod", "orders", tasks);

        Set<URI> seen = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            seen.add(endpoint(ORDERS));
        }

        assertThat(seen).hasSize(250).contains(URI.create("http://10.0.0.0:8080"), URI.create("http://10.0.1.49:8080"));
        assertThat(api.calls("ListTasks")).isEqualTo(3);
        assertThat(api.calls("DescribeTasks")).isEqualTo(3);
    }

    @Test
    void builtOnFirstLookup_buildsNoClientUntilAServiceIsLookedUp_thenOneForEveryLookup() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        api.putService("prod", "billing", List.of(Task.running(id(2), "10.0.0.2")));
        List<EcsClient> built = new CopyOnWriteArrayList<>();
        EcsBackendResolver lazy = EcsBackendResolver.builtOnFirstLookup(() -> {
            built.add(ecs);
            return ecs;
        }, clock);

        assertThat(built).isEmpty();
        assertThat(lazy.endpoint(ORDERS, Set.of(), clock.instant(), AMPLE)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(lazy.endpoint(new EcsService("prod", "billing", OptionalInt.of(8080)), Set.of(), clock.instant(), AMPLE))
                .isEqualTo(URI.create("http://10.0.0.2:8080"));
        assertThat(built).hasSize(1);
    }

    @Test
    void tasksNotRunning_unhealthy_stopping_orDraining_areLeftOut_eachByItsOwnSign() {
        Instant stopping = clock.instant().minusSeconds(5);
        api.putService("prod", "orders", List.of(
                Task.running(id(1), "10.0.0.1"),
                Task.running(id(2), "10.0.0.2"),
                Task.running(id(3), "10.0.0.3").withHealth("UNHEALTHY"),
                Task.running(id(4), "10.0.0.4").withStatus("PENDING", "RUNNING"),
                Task.running(id(5), "10.0.0.5").withStatus("DEACTIVATING", "RUNNING"),
                // ListTasks lags: told to stop, still listed under RUNNING, described as STOPPED.
                Task.running(id(6), "10.0.0.6").withStatus("RUNNING", "STOPPED").listedAs("RUNNING"),
                Task.running(id(7), "10.0.0.7").stopping("SpotInterruption", null),
                Task.running(id(8), "10.0.0.8").stopping(null, stopping),
                Task.running(id(9), null, new Binding(8080, 32768))));

        assertThat(endpoints(ORDERS, 6)).containsOnly(URI.create("http://10.0.0.1:8080"), URI.create("http://10.0.0.2:8080"));
    }

    @Test
    void whileAnyTaskIsHealthy_onlyTheHealthyTakeRequests_notThoseStillStartingUnknown() {
        api.putService("prod", "orders", List.of(
                Task.running(id(1), "10.0.0.1").withHealth("HEALTHY"),
                Task.running(id(2), "10.0.0.2").withHealth("UNKNOWN"),
                Task.running(id(3), "10.0.0.3").withHealth("HEALTHY")));

        assertThat(endpoints(ORDERS, 6)).containsOnly(URI.create("http://10.0.0.1:8080"), URI.create("http://10.0.0.3:8080"));
    }

    @Test
    void whenNoTaskThatTakesRequestsIsHealthy_theUnknownOnes_withoutAHealthCheck_takeThem() {
        api.putService("prod", "orders", List.of(
                Task.running(id(1), "10.0.0.1"),
                Task.running(id(2), "10.0.0.2").withHealth("HEALTHY").withStatus("DEACTIVATING", "RUNNING"),
                Task.running(id(3), "10.0.0.3").withHealth("HEALTHY").stopping("ServiceSchedulerInitiated", clock.instant()),
                Task.running(id(4), "10.0.0.4")));

        assertThat(endpoints(ORDERS, 4)).containsOnly(URI.create("http://10.0.0.1:8080"), URI.create("http://10.0.0.4:8080"));
    }

    @Test
    void thePort_isTheUrls_orTheHostPortItIsBoundTo_orTheOnlyBinding_or80() {
        api.putService("prod", "orders", List.of(
                Task.running(id(1), "127.0.0.1", new Binding(8080, 40001)),
                Task.running(id(2), "127.0.0.1", new Binding(9090, 40002))));
        api.putService("prod", "bridge", List.of(Task.running(id(3), "10.0.0.3", new Binding(8080, 32768))));
        api.putService("prod", "awsvpc", List.of(Task.running(id(4), "10.0.0.4")));
        api.putService("prod", "ambiguous", List.of(Task.running(id(5), "10.0.0.5", new Binding(8080, 8080), new Binding(9901, 9901)),
                Task.running(id(6), "10.0.0.6")));

        // The URL's port 8080: bound to host port 40001 on the first task; the second binds another port, so 8080 itself.
        assertThat(endpoints(ORDERS, 2)).containsOnly(URI.create("http://127.0.0.1:40001"), URI.create("http://127.0.0.1:8080"));
        assertThat(endpoint(new EcsService("prod", "bridge", OptionalInt.empty()))).isEqualTo(URI.create("http://10.0.0.3:32768"));
        assertThat(endpoint(new EcsService("prod", "awsvpc", OptionalInt.empty()))).isEqualTo(URI.create("http://10.0.0.4:80"));
        assertThat(endpoints(new EcsService("prod", "ambiguous", OptionalInt.empty()), 3)).containsOnly(URI.create("http://10.0.0.6:80"));
    }

    @Test
    void requestsAreSpread_acrossTheTasks_inTurn() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1"), Task.running(id(2), "10.0.0.2"),
                Task.running(id(3), "10.0.0.3")));

        Map<URI, Long> counts = endpoints(ORDERS, 9).stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

        assertThat(counts).hasSize(3).allSatisfy((task, count) -> assertThat(count).isEqualTo(3));
    }

    @Test
    void eachNewInstance_startsTheTurnAtARandomTask_soABurstOfColdStartsSpreadsOut() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1"), Task.running(id(2), "10.0.0.2"),
                Task.running(id(3), "10.0.0.3")));

        Set<URI> firstTasks = new HashSet<>();
        for (int instance = 0; instance < 40; instance++) {
            firstTasks.add(new EcsBackendResolver(ecs, clock, refresher).endpoint(ORDERS, Set.of(), clock.instant(), AMPLE));
        }

        assertThat(firstTasks).as("40 cold starts miss one of 3 tasks less than once in 3 million runs").hasSize(3);
    }

    @Test
    void aTaskTheRequestTried_isAvoided_whileThereIsAnother() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1"), Task.running(id(2), "10.0.0.2")));
        URI first = URI.create("http://10.0.0.1:8080");
        URI second = URI.create("http://10.0.0.2:8080");

        for (int i = 0; i < 4; i++) {
            assertThat(resolver.endpoint(ORDERS, Set.of(first), clock.instant(), AMPLE)).isEqualTo(second);
        }
        assertThat(resolver.endpoint(ORDERS, Set.of(first, second), clock.instant(), AMPLE)).isIn(first, second);
    }

    @Test
    void theList_isHeldForItsTtl_thenARequestStartsOneBackgroundRefresh_andUsesTheStaleListMeanwhile() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));

        clock.advance(EcsBackendResolver.TASK_LIST_TTL.minusMillis(1));
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(background).isEmpty();

        clock.advance(Duration.ofMillis(1));
        assertThat(endpoints(ORDERS, 3)).containsOnly(URI.create("http://10.0.0.1:8080"));
        assertThat(background).hasSize(1);
        assertThat(api.calls("ListTasks")).isEqualTo(1);

        runBackground();
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
        assertThat(api.calls("ListTasks")).isEqualTo(2);
        assertThat(background).isEmpty();
    }

    @Test
    void theList_isDatedWhenItsLookupEnds_notWhenTheRequestThatStartedItCame() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        clock.advance(EcsBackendResolver.TASK_LIST_TTL);
        endpoint(ORDERS);
        clock.advance(Duration.ofSeconds(5));
        runBackground();

        clock.advance(EcsBackendResolver.TASK_LIST_TTL.minusMillis(1));
        endpoint(ORDERS);

        assertThat(background).as("the list refreshed 5 s after the request that asked for it is fresh for its TTL").isEmpty();
        assertThat(api.calls("ListTasks")).isEqualTo(2);
    }

    @Test
    void aListOlderThanItsMaxAge_isRefreshedBeforeItServes_asAfterAnIdleOrFrozenInstance() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));

        clock.advance(EcsBackendResolver.TASK_LIST_MAX_AGE);

        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
        assertThat(background).isEmpty();
        assertThat(api.calls("ListTasks")).isEqualTo(2);
    }

    @Test
    void whenTheRefreshOfATooOldListFails_theOldListServes_andTheFailureIsLoggedAndCounted() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        api.removeService("prod", "orders");
        clock.advance(Duration.ofHours(3));

        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(resolver.discoveryFailures()).isEqualTo(1);
        assertThat(warnings).singleElement().asString().startsWith("the tasks of ecs://prod/orders:8080 could not be listed: ")
                .endsWith("; the 1 tasks listed at 2026-11-23T12:00:00Z stay in use");

        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(api.calls("ListTasks")).as("no new try within a second of the failure").isEqualTo(2);
        assertThat(background).isEmpty();

        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));
        clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
    }

    @Test
    void whileTheApiFails_theStaleListServes_andEachFailureIsCounted_andRetriedAfterASecond() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        api.removeService("prod", "orders");

        clock.advance(EcsBackendResolver.TASK_LIST_TTL);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        runBackground();
        assertThat(resolver.discoveryFailures()).isEqualTo(1);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(background).as("no new try within a second of the failure").isEmpty();

        clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        runBackground();
        assertThat(resolver.discoveryFailures()).isEqualTo(2);

        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));
        clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
        endpoint(ORDERS);
        runBackground();
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
        assertThat(resolver.discoveryFailures()).isEqualTo(2);
    }

    @Test
    void theFirstUse_waitsForTheList_andWhenTheApiFails_is503_untilARetryFindsIt() {
        assertThatThrownBy(() -> endpoint(ORDERS))
                .isInstanceOfSatisfying(NoBackendTaskException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.type()).isEqualTo("urn:tollgate:problem:no-backend-task");
                    assertThat(e.detail()).isEqualTo("No backend task can take the request now; try again shortly.");
                    assertThat(e.headers().first("retry-after")).contains("1");
                });
        assertThat(resolver.discoveryFailures()).isEqualTo(1);
        assertThat(warnings).hasSize(2).last().asString().isEqualTo("a request to ecs://prod/orders:8080 is 503: its tasks"
                + " could not be listed (the ECS API failed), and none are known yet; the next lookup may start at"
                + " 2026-11-23T12:00:01Z");
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));

        assertThatThrownBy(() -> endpoint(ORDERS)).isInstanceOf(NoBackendTaskException.class);
        assertThat(api.calls("ListTasks")).as("no new try within a second of the failure").isEqualTo(1);

        clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(background).isEmpty();
    }

    @Test
    void aFirstLookupThatTheApiNeverAnswers_is503_withinTheClientsCallTimeout() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        api.stopAnswering();

        assertTimeoutPreemptively(UNANSWERED_CALL_BOUND, () -> assertThatThrownBy(() -> endpoint(ORDERS))
                .isInstanceOf(NoBackendTaskException.class));
        assertThat(resolver.discoveryFailures()).isEqualTo(1);
    }

    @Test
    void aRefreshThatTheApiNeverAnswers_endsWithinTheClientsCallTimeout_andTheNextRefreshStarts() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        api.stopAnswering();
        clock.advance(EcsBackendResolver.TASK_LIST_TTL);
        endpoint(ORDERS);

        assertTimeoutPreemptively(UNANSWERED_CALL_BOUND, this::runBackground);
        assertThat(resolver.discoveryFailures()).isEqualTo(1);

        api.answerAgain();
        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));
        clock.advance(EcsBackendResolver.RETRY_AFTER_FAILURE);
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(background).as("the timed-out refresh no longer holds the next one back").hasSize(1);
        runBackground();
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
    }

    @Test
    void aFirstLookup_isWaitedForOnlyAsLongAsTheRequestCan_andGoesOnForTheRequestsAfterIt() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        api.stopAnswering();

        long start = System.nanoTime();
        assertThatThrownBy(() -> resolver.endpoint(ORDERS, Set.of(), clock.instant(), Duration.ofMillis(200)))
                .isInstanceOfSatisfying(NoBackendTaskException.class, e -> assertThat(e.headers().first("retry-after")).contains("1"));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(waited).as("the 200 ms the request could wait, not the client's call timeout")
                .isBetween(Duration.ofMillis(200), AwsGateway.ECS_CALL_TIMEOUT.minusSeconds(1));
        assertThat(warnings).containsExactly("a request to ecs://prod/orders:8080 is 503: its tasks were not listed within"
                + " the 200 ms left of its budget; the lookup goes on for the requests after it");
        assertThat(resolver.discoveryFailures()).isZero();

        // The held call is dropped; the client tries it again, and the same lookup serves the next request.
        api.answerAgain();
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(api.calls("ListTasks")).isEqualTo(1);
        assertThat(resolver.discoveryFailures()).isZero();
    }

    @Test
    void aTooOldListsRefresh_isWaitedForOnlyAsLongAsTheRequestCan_thenTheOldListServes() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1")));
        endpoint(ORDERS);
        api.putService("prod", "orders", List.of(Task.running(id(2), "10.0.0.2")));
        clock.advance(EcsBackendResolver.TASK_LIST_MAX_AGE);
        api.stopAnswering();

        long start = System.nanoTime();
        URI served = resolver.endpoint(ORDERS, Set.of(), clock.instant(), Duration.ofMillis(200));
        Duration waited = Duration.ofNanos(System.nanoTime() - start);

        assertThat(served).isEqualTo(URI.create("http://10.0.0.1:8080"));
        assertThat(waited).isBetween(Duration.ofMillis(200), AwsGateway.ECS_CALL_TIMEOUT.minusSeconds(1));
        api.answerAgain();
        assertThat(endpoint(ORDERS)).isEqualTo(URI.create("http://10.0.0.2:8080"));
        assertThat(background).isEmpty();
    }

    @Test
    void aServiceWithNoTaskToTakeRequests_is503_namingItInTheLog_notToTheCaller() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1").withHealth("UNHEALTHY")));

        assertThatThrownBy(() -> endpoint(ORDERS))
                .isInstanceOfSatisfying(NoBackendTaskException.class, e -> assertThat(e.detail())
                        .isEqualTo("No backend task can take the request now; try again shortly."));
        assertThat(resolver.discoveryFailures()).isZero();
        assertThat(warnings).containsExactly("a request to ecs://prod/orders:8080 is 503: none of its tasks listed at"
                + " 2026-11-23T12:00:00Z is running and healthy");
    }

    @Test
    void aTaskThatCouldNotBeConnectedTo_isPassedOverFor30Seconds_thenTakesRequestsAgain() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1"), Task.running(id(2), "10.0.0.2")));
        URI refusing = URI.create("http://10.0.0.1:8080");
        endpoint(ORDERS);

        resolver.connectionFailed(ORDERS, refusing, clock.instant());
        assertThat(endpoints(ORDERS, 6)).containsOnly(URI.create("http://10.0.0.2:8080"));

        clock.advance(EcsBackendResolver.SKIP_UNREACHABLE_TASK.minusMillis(1));
        assertThat(endpoints(ORDERS, 4)).doesNotContain(refusing);
        runBackground();

        clock.advance(Duration.ofMillis(1));
        assertThat(endpoints(ORDERS, 4)).contains(refusing);
    }

    @Test
    void whenEveryTaskIsPassedOver_theyAllTakeRequestsAgain() {
        api.putService("prod", "orders", List.of(Task.running(id(1), "10.0.0.1"), Task.running(id(2), "10.0.0.2")));
        endpoint(ORDERS);

        resolver.connectionFailed(ORDERS, URI.create("http://10.0.0.1:8080"), clock.instant());
        resolver.connectionFailed(ORDERS, URI.create("http://10.0.0.2:8080"), clock.instant());

        assertThat(endpoints(ORDERS, 4)).containsOnly(URI.create("http://10.0.0.1:8080"), URI.create("http://10.0.0.2:8080"));
    }

    private URI endpoint(EcsService service) {
        return resolver.endpoint(service, Set.of(), clock.instant(), AMPLE);
    }

    private List<URI> endpoints(EcsService service, int count) {
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            endpoints.add(endpoint(service));
        }
        return endpoints;
    }

    private void runBackground() {
        for (Runnable refresh = background.poll(); refresh != null; refresh = background.poll()) {
            refresh.run();
        }
    }

    /** A task id as ECS writes them: 32 hex digits. */
    private static String id(int i) {
        return String.format("%032x", i + 1);
    }
}
