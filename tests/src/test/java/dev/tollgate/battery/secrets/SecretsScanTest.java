package dev.tollgate.battery.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.battery.attacks.AttackSlice;
import dev.tollgate.conformance.Adapter;
import dev.tollgate.conformance.Answer;
import dev.tollgate.conformance.Call;
import dev.tollgate.conformance.Conformance;
import dev.tollgate.e2e.OutputCapture;
import dev.tollgate.policy.auth.apikey.ApiKey;
import dev.tollgate.policy.auth.apikey.ApiKeyHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The attack corpus (its credential families: JWT, API keys, header spoofing) and a key made for this
 * run, sent to every adapter of the conformance suite while everything is captured: standard output
 * and error of this JVM (the local runners and the Azure function run in it), every record of
 * Tollgate's loggers at any level (the Azure invocation logger's included), and the output of the
 * Lambda runtime's processes (their standard output and error, where the function's log lines and EMF
 * metrics go). No key, no key's SHA-256, no token, nor a token's claims or signature part may appear.
 */
class SecretsScanTest {

    /** The Lambda environments write their standard output and error here ({@code LambdaAdapter}). */
    private static final Path LAMBDA_LOGS = Path.of("target", "conformance");

    @Test
    void noKeyHashOrToken_ofTheAttackCorpus_appearsInAnythingTheRunWrote() throws Exception {
        String fresh = "leak-" + UUID.randomUUID();
        List<String> answeredIds = new ArrayList<>();
        List<String> credentials;
        String written;
        try (OutputCapture capture = new OutputCapture()) {
            try (Conformance conformance = Conformance.start()) {
                for (Adapter adapter : conformance.adapters) {
                    adapter.keys().create(ApiKeyHash.sha256Hex(fresh), new ApiKey("leak", "leak-consumer", "dev", "open",
                            ApiKey.Status.ACTIVE, Optional.empty()), conformance.now);
                }
                List<Call> calls = new ArrayList<>(AttackSlice.credentialCalls(conformance));
                Call echo = Call.get("/dev/echo");
                calls.add(echo.header("x-api-key", fresh));
                calls.add(Call.get("/prod/echo").header("x-api-key", fresh));
                calls.add(echo.header("x-api-key", fresh).header("x-api-key", fresh));
                calls.add(echo.query("api_key=" + fresh));
                calls.add(echo.header("cookie", "x-api-key=" + fresh));
                calls.add(Call.get("/dev/refused").header("x-api-key", fresh));
                calls.add(Call.get("/dev/api/items/%2e%2e").header("x-api-key", fresh));
                credentials = new ArrayList<>(AttackSlice.credentials(calls));
                for (Adapter adapter : conformance.adapters) {
                    for (Call call : calls) {
                        Answer answer = adapter.send(call);
                        if (adapter.name().startsWith("lambda") && answer.header("x-request-id") != null) {
                            answeredIds.add(answer.header("x-request-id"));
                        }
                    }
                    assertThat(adapter.send(echo.header("x-api-key", fresh)).status()).as("the fresh key on %s", adapter.name())
                            .isEqualTo(200);
                }
            }
            written = capture.text() + lambdaOutput();
        }

        // Not vacuous: the Lambda functions logged every request they answered, by its id.
        assertThat(answeredIds).isNotEmpty();
        for (String id : answeredIds) {
            assertThat(written).as("what the run wrote about request %s", id).contains(id);
        }
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("the key made for the run", fresh);
        for (String credential : credentials) {
            secrets.put("a credential sent: " + shown(credential), credential);
            secrets.put("its SHA-256: " + shown(credential), ApiKeyHash.sha256Hex(credential));
            String[] parts = credential.split("\\.");
            if (parts.length == 3 && parts[1].length() > 16) {
                secrets.put("its claims part: " + shown(credential), parts[1]);
            }
            if (parts.length == 3 && parts[2].length() > 16) {
                secrets.put("its signature part: " + shown(credential), parts[2]);
            }
        }
        System.out.println("secrets: scanned " + written.length() + " characters for " + secrets.size() + " secrets ("
                + credentials.size() + " credentials sent)");
        secrets.forEach((what, secret) -> assertThat(written).as("%s, in what the run wrote", what).doesNotContain(secret));
    }

    /** The Lambda runtime processes' standard output and error, as files. */
    private static String lambdaOutput() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> logs = Files.list(LAMBDA_LOGS)) {
            for (Path log : logs.filter(path -> path.getFileName().toString().matches("lambda-.*\\.log")).toList()) {
                all.append(Files.readString(log)).append('\n');
            }
        }
        return all.toString();
    }

    private static String shown(String credential) {
        return credential.length() > 24 ? credential.substring(0, 24) + "..." : credential;
    }
}
