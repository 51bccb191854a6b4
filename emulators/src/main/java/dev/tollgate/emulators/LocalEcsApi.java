package dev.tollgate.emulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two ECS API actions Tollgate uses, on 127.0.0.1, for the local runner and tests: the JSON 1.1
 * protocol ({@code POST /}, {@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListTasks} or
 * {@code .DescribeTasks}, {@code application/x-amz-json-1.1}), answering as ECS does for the tasks
 * it is given: {@code ListTasks} filtered by cluster, service and desired status (as listed, which may
 * lag the status described), 100 a page with
 * {@code nextToken}; {@code DescribeTasks} for up to 100 tasks, with an ENI attachment and container
 * network bindings; ECS's errors for an unknown cluster or service and for bad parameters; and, on
 * demand, no answer at all, as an API that hangs, or an action before each answer, as a slow one. There is
 * no ECS emulator to run without containers (shared/toolbox.md), so this is the stand-in the real
 * SDK client talks to.
 */
public final class LocalEcsApi implements AutoCloseable {

    public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** The region its ARNs name, and the one a client of it is built for. */
    public static final String REGION = "us-east-1";
    static final String ACCOUNT = "000000000000";
    private static final int PAGE = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A container port and the host port it is reached on.
     *
     * @param containerPort the port the container listens on
     * @param hostPort      where it is reached
     */
    public record Binding(int containerPort, int hostPort) {
    }

    /**
     * A task as {@code DescribeTasks} reports it.
     *
     * @param id            the task id, the last part of its ARN
     * @param lastStatus    {@code RUNNING}, {@code PENDING}, {@code DEACTIVATING}, …
     * @param desiredStatus {@code RUNNING} or {@code STOPPED}
     * @param listedStatus  the desired status {@code ListTasks} files it under: its desired status, or,
     *                      while ECS catches up, the one before (a task told to stop can still be
     *                      listed as {@code RUNNING} and described as {@code STOPPED})
     * @param healthStatus  {@code HEALTHY}, {@code UNHEALTHY} or {@code UNKNOWN}
     * @param stopCode      why it is stopping, or null
     * @param stoppingAt    when it began to stop, or null
     * @param privateIpv4   its ENI's address (awsvpc), or null for a task without one (bridge)
     * @param bindings      its container's network bindings
     */
    public record Task(String id, String lastStatus, String desiredStatus, String listedStatus, String healthStatus,
                       String stopCode, Instant stoppingAt, String privateIpv4, List<Binding> bindings) {

        public Task {
            bindings = List.copyOf(bindings);
        }

        /** A running task with no health check, at an ENI address, with these bindings. */
        public static Task running(String id, String privateIpv4, Binding... bindings) {
            return new Task(id, "RUNNING", "RUNNING", "RUNNING", "UNKNOWN", null, null, privateIpv4, List.of(bindings));
        }

        public Task withHealth(String healthStatus) {
            return new Task(id, lastStatus, desiredStatus, listedStatus, healthStatus, stopCode, stoppingAt, privateIpv4, bindings);
        }

        /** This last and desired status, and listed under that desired status. */
        public Task withStatus(String lastStatus, String desiredStatus) {
            return new Task(id, lastStatus, desiredStatus, desiredStatus, healthStatus, stopCode, stoppingAt, privateIpv4, bindings);
        }

        /** Listed by {@code ListTasks} under this desired status, whatever {@code DescribeTasks} says. */
        public Task listedAs(String listedStatus) {
            return new Task(id, lastStatus, desiredStatus, listedStatus, healthStatus, stopCode, stoppingAt, privateIpv4, bindings);
        }

        public Task stopping(String stopCode, Instant stoppingAt) {
            return new Task(id, lastStatus, desiredStatus, listedStatus, healthStatus, stopCode, stoppingAt, privateIpv4, bindings);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    /** cluster → service → tasks, in order. */
    private final Map<String, Map<String, List<Task>>> clusters = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Set while requests go unanswered; counted down when they may be answered again. */
    private volatile CountDownLatch silence;
    private volatile Runnable beforeAnswering = () -> { };

    private LocalEcsApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on 127.0.0.1 and {@code port} (0 for any free one). */
    public static LocalEcsApi start(int port) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 256);
        } catch (IOException e) {
            throw new IOException("the local ECS API cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "local-ecs-api");
            thread.setDaemon(true);
            return thread;
        });
        LocalEcsApi api = new LocalEcsApi(server, executor);
        server.createContext("/", api::serve);
        server.setExecutor(executor);
        server.start();
        return api;
    }

    /** Makes a service with these tasks, replacing any it had; its cluster is made too. */
    public void putService(String cluster, String service, List<Task> tasks) {
        clusters.computeIfAbsent(cluster, c -> new ConcurrentHashMap<>()).put(service, List.copyOf(tasks));
    }

    /** Deletes a service: ListTasks for it then fails with ServiceNotFoundException. */
    public void removeService(String cluster, String service) {
        Map<String, List<Task>> services = clusters.get(cluster);
        if (services != null) {
            services.remove(service);
        }
    }

    /** The services and their tasks, by cluster. */
    public Map<String, Map<String, List<Task>>> clusters() {
        return clusters;
    }

    /** How many requests of an action ({@code ListTasks}, {@code DescribeTasks}) were answered. */
    public int calls(String action) {
        AtomicInteger count = calls.get(action);
        return count == null ? 0 : count.get();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * From now on, requests are read and never answered, as by an API that hangs, until
     * {@link #answerAgain()}; those held then get no answer either.
     */
    public void stopAnswering() {
        silence = new CountDownLatch(1);
    }

    /**
     * Runs {@code action} before each call is answered: a test moves its ticker there, as time an API
     * answering slowly would take, without waiting for it.
     */
    public void beforeAnswering(Runnable action) {
        beforeAnswering = action;
    }

    public void answerAgain() {
        CountDownLatch held = silence;
        silence = null;
        if (held != null) {
            held.countDown();
        }
    }

    static String taskArn(String cluster, String id) {
        return "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task/" + cluster + "/" + id;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            CountDownLatch held = silence;
            if (held != null) {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String target = exchange.getRequestHeaders().getFirst("x-amz-target");
            if (!"POST".equals(exchange.getRequestMethod()) || target == null || !target.startsWith(TARGET_PREFIX)) {
                error(exchange, 400, "UnknownOperationException", null);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String action = target.substring(TARGET_PREFIX.length());
            calls.computeIfAbsent(action, a -> new AtomicInteger()).incrementAndGet();
            beforeAnswering.run();
            switch (action) {
                case "ListTasks" -> listTasks(exchange, request);
                case "DescribeTasks" -> describeTasks(exchange, request);
                default -> error(exchange, 400, "UnknownOperationException", null);
            }
        }
    }

    private void listTasks(HttpExchange exchange, JsonNode request) throws IOException {
        String cluster = clusterName(request.path("cluster").asText("default"));
        Map<String, List<Task>> services = clusters.get(cluster);
        if (services == null) {
            error(exchange, 400, "ClusterNotFoundException", "Cluster not found.");
            return;
        }
        String desired = request.path("desiredStatus").asText("RUNNING");
        List<Task> tasks = new ArrayList<>();
        if (request.hasNonNull("serviceName")) {
            List<Task> ofService = services.get(request.path("serviceName").asText());
            if (ofService == null) {
                error(exchange, 400, "ServiceNotFoundException", "Service not found.");
                return;
            }
            tasks.addAll(ofService);
        } else {
            services.values().forEach(tasks::addAll);
        }
        tasks.removeIf(task -> !task.listedStatus().equals(desired));
        int pageSize = request.path("maxResults").asInt(PAGE);
        if (pageSize < 1 || pageSize > PAGE) {
            error(exchange, 400, "InvalidParameterException", "maxResults must be between 1 and 100.");
            return;
        }
        int from;
        try {
            from = request.hasNonNull("nextToken")
                    ? Integer.parseInt(new String(Base64.getDecoder().decode(request.path("nextToken").asText()), StandardCharsets.UTF_8))
                    : 0;
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "InvalidParameterException", "Invalid nextToken.");
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode arns = answer.putArray("taskArns");
        int to = Math.min(tasks.size(), from + pageSize);
        for (int i = from; i < to; i++) {
            arns.add(taskArn(cluster, tasks.get(i).id()));
        }
        if (to < tasks.size()) {
            answer.put("nextToken", Base64.getEncoder().encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8)));
        }
        send(exchange, 200, answer);
    }

    private void describeTasks(HttpExchange exchange, JsonNode request) throws IOException {
        String cluster = clusterName(request.path("cluster").asText("default"));
        JsonNode wanted = request.path("tasks");
        if (!wanted.isArray() || wanted.isEmpty() || wanted.size() > PAGE) {
            error(exchange, 400, "InvalidParameterException", "Tasks cannot be empty and can hold at most 100 tasks.");
            return;
        }
        Map<String, List<Task>> services = clusters.get(cluster);
        if (services == null) {
            error(exchange, 400, "ClusterNotFoundException", "Cluster not found.");
            return;
        }
        Map<String, Map.Entry<String, Task>> byId = new LinkedHashMap<>();
        services.forEach((service, tasks) -> tasks.forEach(task -> byId.put(task.id(), Map.entry(service, task))));
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode described = answer.putArray("tasks");
        ArrayNode failures = answer.putArray("failures");
        for (JsonNode arn : wanted) {
            String text = arn.asText();
            Map.Entry<String, Task> found = byId.get(text.substring(text.lastIndexOf('/') + 1));
            if (found == null) {
                failures.addObject().put("arn", text).put("reason", "MISSING");
            } else {
                described.add(describe(cluster, found.getKey(), found.getValue()));
            }
        }
        send(exchange, 200, answer);
    }

    /** A task in the shape DescribeTasks gives it (see the AWS CLI's describe-tasks examples). */
    private static ObjectNode describe(String cluster, String service, Task task) {
        String arn = taskArn(cluster, task.id());
        ObjectNode node = JSON.createObjectNode()
                .put("taskArn", arn)
                .put("clusterArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":cluster/" + cluster)
                .put("taskDefinitionArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":task-definition/" + service + ":1")
                .put("group", "service:" + service)
                .put("launchType", "FARGATE")
                .put("lastStatus", task.lastStatus())
                .put("desiredStatus", task.desiredStatus())
                .put("healthStatus", task.healthStatus());
        if (task.stopCode() != null) {
            node.put("stopCode", task.stopCode());
        }
        if (task.stoppingAt() != null) {
            node.put("stoppingAt", BigDecimal.valueOf(task.stoppingAt().toEpochMilli()).movePointLeft(3));
        }
        ArrayNode attachments = node.putArray("attachments");
        String attachmentId = UUID.nameUUIDFromBytes(arn.getBytes(StandardCharsets.UTF_8)).toString();
        if (task.privateIpv4() != null) {
            ObjectNode eni = attachments.addObject().put("id", attachmentId).put("type", "ElasticNetworkInterface")
                    .put("status", "ATTACHED");
            ArrayNode details = eni.putArray("details");
            details.addObject().put("name", "subnetId").put("value", "subnet-0local");
            details.addObject().put("name", "networkInterfaceId").put("value", "eni-0" + task.id().substring(0, Math.min(12, task.id().length())));
            details.addObject().put("name", "privateIPv4Address").put("value", task.privateIpv4());
        }
        ObjectNode container = node.putArray("containers").addObject()
                .put("containerArn", "arn:aws:ecs:" + REGION + ":" + ACCOUNT + ":container/" + cluster + "/" + task.id() + "/" + attachmentId)
                .put("taskArn", arn)
                .put("name", service)
                .put("lastStatus", task.lastStatus())
                .put("healthStatus", task.healthStatus());
        ArrayNode bindings = container.putArray("networkBindings");
        for (Binding binding : task.bindings()) {
            bindings.addObject().put("bindIP", task.privateIpv4() == null ? "0.0.0.0" : task.privateIpv4())
                    .put("containerPort", binding.containerPort()).put("hostPort", binding.hostPort()).put("protocol", "tcp");
        }
        ArrayNode interfaces = container.putArray("networkInterfaces");
        if (task.privateIpv4() != null) {
            interfaces.addObject().put("attachmentId", attachmentId).put("privateIpv4Address", task.privateIpv4());
        }
        return node;
    }

    /** A cluster is named by its name or its ARN. */
    private static String clusterName(String nameOrArn) {
        return nameOrArn.startsWith("arn:") ? nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("__type", type);
        if (message != null) {
            body.put("message", message);
        }
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("content-type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-requestid", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
