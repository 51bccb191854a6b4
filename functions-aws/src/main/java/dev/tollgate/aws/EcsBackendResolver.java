package dev.tollgate.aws;

import dev.tollgate.backend.BackendResolver;
import dev.tollgate.backend.EcsService;
import dev.tollgate.observe.LogText;
import dev.tollgate.problem.NoBackendTaskException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.ListTasksRequest;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.NetworkBinding;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/**
 * The tasks of {@code ecs://} backends, found through the ECS API: {@code ListTasks}
 * ({@code desiredStatus=RUNNING}, every page) then {@code DescribeTasks} in batches of 100. A task
 * takes requests when its last status is {@code RUNNING}, it is meant to keep running (desired
 * status {@code RUNNING}, no stop code, not stopping) and it is not {@code UNHEALTHY}; while any such
 * task is {@code HEALTHY}, only the {@code HEALTHY} ones do, since a task whose health check has yet
 * to pass is {@code UNKNOWN} (without a health check, every task is, and all take requests). A task
 * is reached at its ENI's private IPv4 address (awsvpc) over HTTP.
 *
 * <p>The port: the URL's container port, or, when a container of the task binds that port to
 * another host port (bridge-style {@code networkBindings}), that host port. Without a port in the
 * URL, the task's only TCP binding's host port, or 80. A task without an ENI address, or with
 * several bindings and no port in the URL, is left out and logged.
 *
 * <p>Each service's list is held for {@link #TASK_LIST_TTL} per warm function instance. The first
 * request waits for it; a request that finds it stale starts one refresh in the background and
 * uses the stale list meanwhile, unless the list is older than {@link #TASK_LIST_MAX_AGE} (the
 * instance sat idle or frozen): then the request waits for the refresh. A request waits for a
 * lookup as long as its budget allows ({@code within}) and the client's call timeout at most: the
 * lookup runs on a thread of its own, which requests arriving meanwhile wait for too, and which goes
 * on for the requests after one that could wait no longer. A request that gives up on a first lookup
 * is a 503 problem; on a refresh, the old list serves. A failed lookup is logged and counted, the list held stays in use, and the
 * next try waits {@link #RETRY_AFTER_FAILURE}; with no list held yet, the request is a 503 problem,
 * whose detail names nothing of the service (the log line does).
 * A list is as old as the end of its lookup, on the clock. Requests go to the tasks in turn; a task
 * that cannot be connected to is passed over for {@link #SKIP_UNREACHABLE_TASK}, unless every task
 * is, when they all take requests again; each instance starts a service's turn at a random task, so
 * that a burst of cold starts does not fall on the first. Requests' times come from the caller.
 */
public final class EcsBackendResolver implements BackendResolver {

    /** How long a service's task list serves before a request refreshes it. */
    public static final Duration TASK_LIST_TTL = Duration.ofSeconds(10);
    /**
     * How old a list may be and still serve while it is refreshed in the background. Older, its
     * tasks may have been replaced long since (an instance idle or frozen for hours), so the request
     * waits for the refresh.
     */
    public static final Duration TASK_LIST_MAX_AGE = Duration.ofSeconds(60);
    /** How long a task that could not be connected to is passed over. */
    public static final Duration SKIP_UNREACHABLE_TASK = Duration.ofSeconds(30);
    /** How long after a failed lookup the next one may start. */
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(1);
    /** DescribeTasks takes at most this many tasks. */
    static final int DESCRIBE_BATCH = 100;
    /** The port of a task when the URL names none and the task binds none: HTTP's. */
    public static final int DEFAULT_PORT = 80;

    private static final Logger LOG = Logger.getLogger(EcsBackendResolver.class.getName());
    /**
     * Runs the lookups requests wait for, a thread for each service looked up at once, ended after a
     * minute idle: a request waits only as long as its budget allows, and the lookup ends all the same.
     */
    private static final ExecutorService WAITED_LOOKUPS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tollgate-ecs-lookup");
        thread.setDaemon(true);
        return thread;
    });
    private static final String ENI = "ElasticNetworkInterface";
    private static final String ENI_ADDRESS = "privateIPv4Address";
    private static final String RUNNING = "RUNNING";

    private final Supplier<EcsClient> ecs;
    private final Clock clock;
    private final Executor refresher;
    private final Map<EcsService, ServiceTasks> services = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    /**
     * Draws where each service's turn starts. SecureRandom, not ThreadLocalRandom, whose seeds a
     * SnapStart snapshot would fix for every instance restored from it.
     */
    private final SecureRandom random = new SecureRandom();

    /** Refreshes on a background thread of its own, which ends when idle. */
    public EcsBackendResolver(EcsClient ecs, Clock clock) {
        this(ecs, clock, backgroundThread());
    }

    /**
     * @param ecs       the ECS client, built once per function instance
     * @param clock     the gateway's clock, which dates each list when its lookup ends
     * @param refresher runs background refreshes; tests pass one they run themselves
     */
    public EcsBackendResolver(EcsClient ecs, Clock clock, Executor refresher) {
        this(() -> ecs, clock, refresher);
    }

    private EcsBackendResolver(Supplier<EcsClient> ecs, Clock clock, Executor refresher) {
        this.ecs = ecs;
        this.clock = clock;
        this.refresher = refresher;
    }

    /**
     * A resolver whose ECS client is built by its first lookup, once: a function whose backends are all
     * URLs never builds one (about 60 ms of its cold start, docs/performance.md). A backend can come from
     * a stage variable, known only when a request carries it, so which function needs one is not known at init.
     */
    public static EcsBackendResolver builtOnFirstLookup(Supplier<EcsClient> ecs, Clock clock) {
        return new EcsBackendResolver(new OnFirstUse<>(ecs), clock, backgroundThread());
    }

    /** What a supplier gives the first time it is asked, built once even when asked at once from several threads. */
    private static final class OnFirstUse<T> implements Supplier<T> {
        private final Supplier<T> build;
        private volatile T built;

        OnFirstUse(Supplier<T> build) {
            this.build = build;
        }

        @Override
        public T get() {
            T value = built;
            if (value == null) {
                synchronized (this) {
                    value = built;
                    if (value == null) {
                        value = build.get();
                        built = value;
                    }
                }
            }
            return value;
        }
    }

    @Override
    public URI endpoint(EcsService service, Set<URI> avoid, Instant now, Duration within) {
        ServiceTasks tasks = services.computeIfAbsent(service, ServiceTasks::new);
        TaskList list = tasks.current(now, within);
        if (list.endpoints().isEmpty()) {
            LOG.warning("a request to " + service + " is 503: none of its tasks listed at " + list.fetchedAt()
                    + " is running and healthy");
            throw new NoBackendTaskException(retryAfterSeconds());
        }
        return tasks.pick(list.endpoints(), avoid, now);
    }

    @Override
    public void connectionFailed(EcsService service, URI endpoint, Instant now) {
        ServiceTasks tasks = services.get(service);
        if (tasks != null && tasks.skippedUntil.put(endpoint, now.plus(SKIP_UNREACHABLE_TASK)) == null) {
            LOG.warning("ECS task " + endpoint.getRawAuthority() + " of " + service + " could not be connected to;"
                    + " passed over until " + now.plus(SKIP_UNREACHABLE_TASK));
        }
    }

    @Override
    public long discoveryFailures() {
        return failures.get();
    }

    /** A daemon thread for refreshes, made when one is needed and ended after a minute idle. */
    private static Executor backgroundThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "tollgate-ecs-refresh");
            thread.setDaemon(true);
            return thread;
        });
        return executor;
    }

    private static long retryAfterSeconds() {
        return Math.max(1, RETRY_AFTER_FAILURE.toSeconds());
    }

    /** A service's tasks as of one lookup. */
    private record TaskList(List<URI> endpoints, Instant fetchedAt) {
    }

    /** One service's list, its refresh, its turn counter and the tasks passed over. */
    private final class ServiceTasks {
        private final EcsService service;
        private final AtomicBoolean refreshing = new AtomicBoolean();
        private final AtomicInteger turn;
        private final Map<URI, Instant> skippedUntil = new ConcurrentHashMap<>();
        private volatile TaskList list;
        private volatile Instant retryAt = Instant.MIN;
        private volatile boolean warnedUnreachable;
        /** The lookup requests wait for, while one is under way; guarded by this. */
        private CompletableFuture<Boolean> waited;

        /** Made on the first request to the service; its turn starts at a random task, so that cold starts spread out. */
        ServiceTasks(EcsService service) {
            this.service = service;
            this.turn = new AtomicInteger(random.nextInt());
        }

        /**
         * The list to use now: waited for the first time and when older than the maximum age, for
         * {@code within} at most, refreshed in the background when stale.
         */
        TaskList current(Instant now, Duration within) {
            TaskList held = list;
            if (held == null) {
                return firstList(now, within);
            }
            if (!now.isBefore(held.fetchedAt().plus(TASK_LIST_MAX_AGE))) {
                return tooOldList(now, within);
            }
            if (!now.isBefore(held.fetchedAt().plus(TASK_LIST_TTL)) && !now.isBefore(retryAt)
                    && refreshing.compareAndSet(false, true)) {
                try {
                    refresher.execute(() -> {
                        try {
                            lookUp();
                        } finally {
                            refreshing.set(false);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    refreshing.set(false);
                }
            }
            return held;
        }

        private TaskList firstList(Instant now, Duration within) {
            TaskList found = list;
            if (found != null) {
                return found;
            }
            boolean answered = now.isBefore(retryAt) || lookedUpWithin(within);
            found = list;
            if (found != null) {
                return found;
            }
            if (!answered) {
                LOG.warning("a request to " + service + " is 503: its tasks were not listed within the " + within.toMillis()
                        + " ms left of its budget; the lookup goes on for the requests after it");
            } else {
                LOG.warning("a request to " + service + " is 503: its tasks could not be listed (the ECS API failed), and"
                        + " none are known yet; the next lookup may start at " + retryAt);
            }
            throw new NoBackendTaskException(retryAfterSeconds());
        }

        /**
         * A list too old to serve untried: looked up while the request waits, unless another request
         * has just done so or a lookup failed within {@link #RETRY_AFTER_FAILURE}; the old list
         * serves when the lookup fails or outlasts {@code within}.
         */
        private TaskList tooOldList(Instant now, Duration within) {
            TaskList held = list;
            if (now.isBefore(held.fetchedAt().plus(TASK_LIST_MAX_AGE)) || now.isBefore(retryAt)) {
                return held;
            }
            lookedUpWithin(within);
            return list;
        }

        /**
         * Waits for a lookup, the one under way or one started now, for {@code within} at most.
         *
         * @return whether it ended in time, found or failed
         */
        private boolean lookedUpWithin(Duration within) {
            CompletableFuture<Boolean> lookup;
            synchronized (this) {
                if (waited == null) {
                    CompletableFuture<Boolean> started = new CompletableFuture<>();
                    waited = started;
                    try {
                        WAITED_LOOKUPS.execute(() -> {
                            try {
                                lookUp();
                            } finally {
                                synchronized (this) {
                                    waited = null;
                                }
                                started.complete(true);
                            }
                        });
                    } catch (RejectedExecutionException e) {
                        waited = null;
                        return false;
                    }
                }
                lookup = waited;
            }
            try {
                lookup.get(within.toNanos(), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException | ExecutionException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        /**
         * Asks ECS; on success the list is replaced, dated when the answer came, on failure it stays,
         * and the failure is logged and counted.
         */
        private boolean lookUp() {
            try {
                List<URI> endpoints = fetch();
                skippedUntil.keySet().retainAll(endpoints);
                list = new TaskList(List.copyOf(endpoints), clock.instant());
                return true;
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                retryAt = clock.instant().plus(RETRY_AFTER_FAILURE);
                TaskList held = list;
                LOG.warning("the tasks of " + service + " could not be listed: " + LogText.escape(e.getMessage())
                        + (held == null ? "" : "; the " + held.endpoints().size() + " tasks listed at " + held.fetchedAt()
                        + " stay in use"));
                return false;
            }
        }

        private List<URI> fetch() {
            List<String> arns = new ArrayList<>();
            String token = null;
            do {
                ListTasksResponse page = ecs.get().listTasks(ListTasksRequest.builder()
                        .cluster(service.cluster())
                        .serviceName(service.service())
                        .desiredStatus(DesiredStatus.RUNNING)
                        .nextToken(token)
                        .build());
                arns.addAll(page.taskArns());
                token = page.nextToken() == null || page.nextToken().isEmpty() ? null : page.nextToken();
            } while (token != null);
            List<URI> endpoints = new ArrayList<>(arns.size());
            List<URI> healthy = new ArrayList<>(arns.size());
            int unreachable = 0;
            for (int from = 0; from < arns.size(); from += DESCRIBE_BATCH) {
                List<String> batch = arns.subList(from, Math.min(arns.size(), from + DESCRIBE_BATCH));
                DescribeTasksResponse described = ecs.get().describeTasks(request -> request.cluster(service.cluster()).tasks(batch));
                for (Task task : described.tasks()) {
                    if (!takesRequests(task)) {
                        continue;
                    }
                    URI endpoint = endpoint(task);
                    if (endpoint == null) {
                        unreachable++;
                    } else {
                        endpoints.add(endpoint);
                        if (task.healthStatus() == HealthStatus.HEALTHY) {
                            healthy.add(endpoint);
                        }
                    }
                }
            }
            if (unreachable > 0 && !warnedUnreachable) {
                warnedUnreachable = true;
                LOG.warning(unreachable + " running tasks of " + service + " are left out: they have no ENI address (awsvpc"
                        + " network mode is needed), or bind several ports and the URL names none");
            }
            // With a health check, a starting task is UNKNOWN until it passes: while any task has, those take the requests.
            return healthy.isEmpty() ? endpoints : healthy;
        }

        /** Running, meant to keep running, not draining or stopping, and not unhealthy. */
        private boolean takesRequests(Task task) {
            return RUNNING.equals(task.lastStatus())
                    && RUNNING.equals(task.desiredStatus())
                    && task.stopCode() == null
                    && task.stoppingAt() == null
                    && task.healthStatus() != HealthStatus.UNHEALTHY;
        }

        /** {@code http://ENI-ADDRESS:PORT}, or null when the task has no address or no clear port. */
        private URI endpoint(Task task) {
            String address = null;
            for (Attachment attachment : task.attachments()) {
                if (ENI.equals(attachment.type())) {
                    for (KeyValuePair detail : attachment.details()) {
                        if (ENI_ADDRESS.equals(detail.name()) && detail.value() != null && !detail.value().isEmpty()) {
                            address = detail.value();
                        }
                    }
                }
            }
            List<NetworkBinding> bindings = task.containers().stream()
                    .flatMap(container -> container.networkBindings().stream())
                    .filter(binding -> binding.hostPort() != null && binding.protocol() != TransportProtocol.UDP)
                    .toList();
            Integer port;
            if (service.port().isPresent()) {
                int containerPort = service.port().getAsInt();
                port = bindings.stream().filter(binding -> binding.containerPort() != null && binding.containerPort() == containerPort)
                        .map(NetworkBinding::hostPort).findFirst().orElse(containerPort);
            } else {
                port = bindings.isEmpty() ? Integer.valueOf(DEFAULT_PORT) : bindings.size() == 1 ? bindings.get(0).hostPort() : null;
            }
            return address == null || port == null ? null : URI.create("http://" + address + ":" + port);
        }

        /**
         * The next task in turn that this request has not tried and that is not passed over; if
         * none, one passed over (every task refused lately: they all take requests again); if
         * none, one the request has tried, which tells the forwarder there is no other.
         */
        URI pick(List<URI> endpoints, Set<URI> avoid, Instant now) {
            int size = endpoints.size();
            int start = Math.floorMod(turn.getAndIncrement(), size);
            URI passedOver = null;
            for (int i = 0; i < size; i++) {
                URI candidate = endpoints.get((start + i) % size);
                if (avoid.contains(candidate)) {
                    continue;
                }
                if (!skipped(candidate, now)) {
                    return candidate;
                }
                if (passedOver == null) {
                    passedOver = candidate;
                }
            }
            return passedOver != null ? passedOver : endpoints.get(start);
        }

        private boolean skipped(URI endpoint, Instant now) {
            Instant until = skippedUntil.get(endpoint);
            if (until == null) {
                return false;
            }
            if (!now.isBefore(until)) {
                skippedUntil.remove(endpoint, until);
                return false;
            }
            return true;
        }
    }
}
