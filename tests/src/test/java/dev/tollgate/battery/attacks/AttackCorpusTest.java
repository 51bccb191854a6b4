package dev.tollgate.battery.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.conformance.Adapter;
import dev.tollgate.conformance.Answer;
import dev.tollgate.conformance.Conformance;
import dev.tollgate.conformance.LocalRunnerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The attack corpus ({@link AttackCorpus}) against every adapter of the conformance suite (both Lambda
 * handlers on the Lambda runtime, the Azure function, both local runners over HTTP), and smuggling-shaped
 * requests ({@link #SMUGGLING}) written byte for byte to the local runners' sockets. Every case counts
 * the requests the echo backends received while it ran. Prints the count of cases per family.
 */
class AttackCorpusTest {

    /** Written before each smuggled request: never to reach a backend. */
    static final String SMUGGLED = "smuggled=1";
    private static final String SMUGGLED_REQUEST = "GET /dev/public?" + SMUGGLED + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    private static final String CHUNKED_THEN_SMUGGLED = "0\r\n\r\n" + SMUGGLED_REQUEST;

    /** Requests whose framing two parsers could read two ways: name, head (without the blank line), body. */
    static final List<String[]> SMUGGLING = List.of(
            smuggle("CL and TE", "Content-Length: " + CHUNKED_THEN_SMUGGLED.length() + "\r\nTransfer-Encoding: chunked"),
            smuggle("TE and CL", "Transfer-Encoding: chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE Chunked (case) and CL", "Transfer-Encoding: Chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE with a space before the colon", "Transfer-Encoding : chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE with a tab before its value", "Transfer-Encoding:\tchunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE xchunked", "Transfer-Encoding: xchunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE chunked, identity", "Transfer-Encoding: chunked, identity\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE identity, chunked", "Transfer-Encoding: identity, chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("two TE fields", "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\nContent-Length: "
                    + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE folded onto the next line", "Transfer-Encoding:\r\n chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            smuggle("TE after a bare LF", "X-Pad: a\nTransfer-Encoding: chunked\r\nContent-Length: " + CHUNKED_THEN_SMUGGLED.length()),
            new String[] {"two Content-Length, 0 then the rest", "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                    + "Content-Length: " + SMUGGLED_REQUEST.length(), SMUGGLED_REQUEST},
            new String[] {"two Content-Length, the rest then 0", "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                    + SMUGGLED_REQUEST.length() + "\r\nContent-Length: 0", SMUGGLED_REQUEST},
            new String[] {"Content-Length with a sign", "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: +0", SMUGGLED_REQUEST},
            new String[] {"Content-Length folded", "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n "
                    + SMUGGLED_REQUEST.length(), SMUGGLED_REQUEST},
            // RFC 9112 2.2: a recipient MAY take a bare LF for a line's end; read one way, nothing follows.
            new String[] {"a request ended by bare LFs", "POST /dev/public HTTP/1.1\nHost: 127.0.0.1\nContent-Length: 0\n\n", ""},
            new String[] {"a NUL in the request line", "GET /dev/public\u0000 HTTP/1.1\r\nHost: 127.0.0.1", SMUGGLED_REQUEST},
            new String[] {"a NUL in the target, then a request", "GET /dev/public\u0000" + SMUGGLED_REQUEST.replace("\r\n\r\n", "")
                    + "\r\nHost: 127.0.0.1", ""},
            new String[] {"a chunk size past 64 bits", "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked",
                    "10000000000000000\r\n" + SMUGGLED_REQUEST + "\r\n0\r\n\r\n"});

    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

    private static Conformance conformance;
    private static final Map<String, Integer> PER_FAMILY = new TreeMap<>();
    /** Cases refused by a local runner's front door (its own 400, before the function), per runner. */
    private static final Map<String, Integer> FRONT_DOOR = new java.util.concurrent.ConcurrentSkipListMap<>();

    @BeforeAll
    static void start() throws Exception {
        conformance = Conformance.start();
    }

    @AfterAll
    static void stop() {
        if (conformance != null) {
            conformance.close();
        }
        System.out.println("attacks: cases per family (each on every adapter): " + PER_FAMILY + ", smuggling (local runners): "
                + SMUGGLING.size() + "; refused by a local runner's front door: " + FRONT_DOOR);
    }

    @TestFactory
    Stream<DynamicContainer> everyAttack_onEveryAdapter_isRefusedOrConfined() {
        List<Attack> attacks = AttackCorpus.all(conformance);
        attacks.forEach(attack -> PER_FAMILY.merge(attack.family(), 1, Integer::sum));
        return attacks.stream().map(attack -> DynamicContainer.dynamicContainer(attack.family() + ": " + attack.name(),
                conformance.adapters.stream().map(adapter -> DynamicTest.dynamicTest(adapter.name(), () -> run(attack, adapter)))));
    }

    private static void run(Attack attack, Adapter adapter) throws Exception {
        String skip = attack.skips().get(adapter.name());
        Assumptions.assumeTrue(skip == null, skip);
        int before = conformance.backendRequests().size();
        Answer answer = adapter.send(attack.call());
        List<String> all = conformance.backendRequests();
        List<String> backend = all.subList(before, all.size());
        if (adapter instanceof LocalRunnerAdapter && answer.status() == 400 && !String.valueOf(answer.header("content-type"))
                .startsWith("application/problem+json")) {
            // The front door's own 400 (API Gateway's JSON, the Functions host's), before any function runs.
            assertThat(backend).as("backend requests after the front door's 400 to %s", attack.name()).isEmpty();
            FRONT_DOOR.merge(adapter.name(), 1, Integer::sum);
            return;
        }
        try {
            attack.check().check(answer, backend);
        } catch (AssertionError failure) {
            throw new AssertionError(attack.family() + ": " + attack.name() + " on " + adapter.name() + ": " + failure.getMessage(),
                    failure);
        }
    }

    @TestFactory
    Stream<DynamicContainer> smugglingShapedRequests_onTheLocalRunners_neverReachTheBackend() {
        return SMUGGLING.stream().map(smuggling -> DynamicContainer.dynamicContainer("smuggling: " + smuggling[0],
                conformance.adapters.stream().filter(LocalRunnerAdapter.class::isInstance).map(adapter -> DynamicTest.dynamicTest(
                        adapter.name(), () -> smuggle((LocalRunnerAdapter) adapter, smuggling[1], smuggling[2])))));
    }

    /**
     * Writes the request and reads every answer until the runner closes the connection, or sends
     * nothing for two seconds; then no backend request may hold {@link #SMUGGLED}, at most one may
     * have been made, and the first answer is a 400 or a 200 (the request read one way only).
     */
    private static void smuggle(LocalRunnerAdapter runner, String head, String body) throws Exception {
        int before = conformance.backendRequests().size();
        String answered;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), runner.port())) {
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((head + (head.endsWith("\n") ? "" : "\r\n\r\n") + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    read.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException quiet) {
                // Nothing more came, or the runner dropped the connection: what was read is the answer.
            }
            answered = read.toString(StandardCharsets.ISO_8859_1);
        }
        List<String> all = conformance.backendRequests();
        List<String> backend = all.subList(before, all.size());
        assertThat(backend).as("backend requests after %s", head).noneMatch(request -> request.contains(SMUGGLED))
                .hasSizeLessThanOrEqualTo(1);
        List<Integer> statuses = new ArrayList<>();
        Matcher status = STATUS.matcher(answered);
        while (status.find()) {
            statuses.add(Integer.parseInt(status.group(1)));
        }
        assertThat(statuses).as("the answers to %s: %s", head, answered).isNotEmpty();
        assertThat(statuses.get(0)).as("the first answer to %s: %s", head, answered).isIn(200, 400);
        if (statuses.get(0) == 400) {
            assertThat(backend).as("backend requests after a 400 to %s", head).isEmpty();
        }
    }

    private static String[] smuggle(String name, String framing) {
        return new String[] {name, "POST /dev/public HTTP/1.1\r\nHost: 127.0.0.1\r\n" + framing, CHUNKED_THEN_SMUGGLED};
    }
}
