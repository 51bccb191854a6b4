package dev.tollgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.testing.Programs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real browser (headless Chromium) on a page of one origin calls the local runner on another, and
 * reads what the gateway's CORS headers let a script read: a 401's challenges, a 405's methods, a
 * 429's Retry-After and the RateLimit fields. Skipped, saying so, where Chromium is not installed.
 */
class BrowserCorsEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RESULT = Pattern.compile("<pre id=\"result\">(.*?)</pre>", Pattern.DOTALL);

    /** Each call's status and the headers a script could read, or the error the browser gave it. */
    private static final String PAGE = """
            <!doctype html>
            <html><body><pre id="result">pending</pre>
            <script>
            const gateway = 'GATEWAY';
            const read = ['www-authenticate', 'allow', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining',
                'ratelimit-reset', 'x-request-id'];
            async function call(method, path, headers) {
              try {
                const response = await fetch(gateway + path, {method, headers});
                const seen = {status: response.status};
                for (const name of read) { seen[name] = response.headers.get(name); }
                return seen;
              } catch (e) {
                return {error: String(e)};
              }
            }
            (async () => {
              const key = {'x-api-key': 'browser-page-key'};
              const results = {
                noKey: await call('GET', '/dev/orders', {}),
                counted: await call('GET', '/dev/orders', key),
                overQuota: await call('GET', '/dev/orders', key),
                wrongMethod: await call('DELETE', '/dev/orders', key),
              };
              document.getElementById('result').textContent = JSON.stringify(results);
            })();
            </script></body></html>
            """;

    @Test
    void aScriptOfAnAllowedOrigin_readsTheChallenges_theAllowedMethods_andWhenToComeBack() throws Exception {
        Optional<Path> chromium = Programs.onPath("chromium");
        if (chromium.isEmpty()) {
            System.out.println("BrowserCorsEndToEndTest skipped: chromium is not installed (apt-get install -y chromium)");
            Assumptions.abort("chromium is not installed");
        }
        Path dir = Files.createTempDirectory("tollgate-browser");
        HttpServer pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        try {
            String origin = "http://127.0.0.1:" + pages.getAddress().getPort();
            Path config = dir.resolve("tollgate.yaml");
            Files.writeString(config, Files.readString(Path.of("src", "test", "resources", "browser-cors.yaml"))
                    .replace("PAGE_ORIGIN", origin));
            try (LocalTollgate tollgate = LocalTollgate.start(config,
                    Map.of("dev", Map.of("ordersBackend", "http://127.0.0.1:0")), true)) {
                byte[] page = PAGE.replace("GATEWAY", "http://127.0.0.1:" + tollgate.runner().port())
                        .getBytes(StandardCharsets.UTF_8);
                pages.createContext("/", exchange -> {
                    try (exchange) {
                        exchange.getResponseHeaders().set("content-type", "text/html; charset=utf-8");
                        exchange.sendResponseHeaders(200, page.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(page);
                        }
                    }
                });
                pages.start();

                JsonNode results = JSON.readTree(dumpDom(chromium.get(), dir.resolve("profile"), origin + "/"));

                assertThat(results.path("noKey").path("status").asInt()).as("%s", results).isEqualTo(401);
                assertThat(results.path("noKey").path("www-authenticate").asText()).isEqualTo("ApiKey realm=\"tollgate\", header=\"x-api-key\"");
                assertThat(results.path("noKey").path("x-request-id").asText()).isNotBlank();
                assertThat(results.path("counted").path("status").asInt()).isEqualTo(200);
                assertThat(results.path("counted").path("ratelimit-limit").asText()).isEqualTo("1");
                assertThat(results.path("counted").path("ratelimit-remaining").asText()).isEqualTo("0");
                assertThat(results.path("counted").path("ratelimit-reset").asText()).matches("[0-9]+");
                assertThat(results.path("overQuota").path("status").asInt()).isEqualTo(429);
                assertThat(results.path("overQuota").path("retry-after").asText()).matches("[1-9][0-9]*");
                assertThat(results.path("wrongMethod").path("status").asInt()).isEqualTo(405);
                assertThat(results.path("wrongMethod").path("allow").asText()).isEqualTo("GET");
            }
        } finally {
            pages.stop(0);
            deleteTree(dir);
        }
    }

    /** Chromium's DOM of the page once its script has run, and the JSON the script wrote into it. */
    private static String dumpDom(Path chromium, Path profile, String url) throws Exception {
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--dump-dom", url)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(browser.getInputStream()));
        try {
            assertThat(browser.waitFor(90, TimeUnit.SECONDS)).as("chromium finished within 90 s").isTrue();
            String dom = new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
            Matcher result = RESULT.matcher(dom);
            assertThat(result.find()).as("the page's result in %s", dom).isTrue();
            return result.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        } finally {
            browser.destroyForcibly();
            browser.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toByteArray();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
