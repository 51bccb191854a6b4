package dev.tollgate.emulators.lambda;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * A runtime for {@link RuntimeRunTest}: polls {@code AWS_LAMBDA_RUNTIME_API} for events and answers each
 * with the event itself, until it is stopped; with the argument {@code fail-init}, posts an init error instead.
 */
public final class EchoRuntime {

    private EchoRuntime() {
    }

    public static void main(String[] args) throws IOException {
        String runtime = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + LocalLambdaRuntimeApi.PREFIX;
        if (args.length > 0 && args[0].equals("fail-init")) {
            post(runtime + "init/error", "{\"errorMessage\":\"no handler\",\"errorType\":\"Runtime.NoHandler\"}".getBytes());
            return;
        }
        while (true) {
            HttpURLConnection next = (HttpURLConnection) URI.create(runtime + "invocation/next").toURL().openConnection();
            String id = next.getHeaderField(LocalLambdaRuntimeApi.REQUEST_ID);
            byte[] event = next.getInputStream().readAllBytes();
            post(runtime + "invocation/" + id + "/response", event);
        }
    }

    private static void post(String url, byte[] body) throws IOException {
        HttpURLConnection post = (HttpURLConnection) URI.create(url).toURL().openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.getOutputStream().write(body);
        post.getInputStream().readAllBytes();
    }
}
