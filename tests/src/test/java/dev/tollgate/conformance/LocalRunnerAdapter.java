package dev.tollgate.conformance;

import dev.tollgate.aws.AwsGateway;
import dev.tollgate.local.LocalRunner;
import dev.tollgate.observe.RequestObserver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@code ./tollgate local} (or {@code --platform azure}), started in this JVM on free ports with its own
 * store (DynamoDB Local or the Cosmos DB emulator), called over real HTTP on 127.0.0.1.
 */
final class LocalRunnerAdapter implements Adapter {

    private final LocalRunner runner;
    private final String name;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private LocalRunnerAdapter(LocalRunner runner, String name) {
        this.runner = runner;
        this.name = name;
    }

    static LocalRunnerAdapter start(LocalRunner.Platform platform, Path config, Map<String, Map<String, String>> stageVariables,
                                    Clock clock) throws Exception {
        LocalRunner runner = LocalRunner.start(new LocalRunner.Options(config, 0, 0, stageVariables, false,
                AwsGateway.DEFAULT_COUNTERS_TABLE, clock, RequestObserver.NONE, false, platform));
        return new LocalRunnerAdapter(runner, platform == LocalRunner.Platform.AWS ? "local-aws" : "local-azure");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Answer send(Call call) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runner.port() + call.path()
                        + (call.query().isEmpty() ? "" : "?" + call.query())))
                .timeout(Duration.ofSeconds(30))
                .method(call.method(), call.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(field -> request.header(field.getKey(), field.getValue()));
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.headers().map(), response.body());
    }

    @Override
    public void close() {
        runner.close();
    }
}
