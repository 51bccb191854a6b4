package dev.tollgate.testing;

import dev.tollgate.http.GatewayRequest;
import dev.tollgate.http.Headers;
import java.util.Map;

/**
 * Builds a {@link GatewayRequest} as an adapter hands it in: stage {@code dev}, from 192.0.2.10 over https,
 * no body, unless a test says otherwise: {@code Requests.get("/orders").key("dev-secret-key").build()}.
 */
public final class Requests {

    private final String method;
    private final String path;
    private String query = "";
    private final Headers.Builder headers = Headers.builder();
    private byte[] body;
    private String sourceIp = "192.0.2.10";
    private String stage = "dev";
    private Map<String, String> stageVariables = Map.of();

    private Requests(String method, String path) {
        this.method = method;
        this.path = path;
    }

    public static Requests request(String method, String path) {
        return new Requests(method, path);
    }

    public static Requests get(String path) {
        return new Requests("GET", path);
    }

    /** Sends an API key in {@code x-api-key}. */
    public Requests key(String key) {
        return header("x-api-key", key);
    }

    /** Sends a token as {@code Authorization: Bearer TOKEN}. */
    public Requests bearer(String token) {
        return header("authorization", "Bearer " + token);
    }

    public Requests header(String name, String value) {
        headers.set(name, value);
        return this;
    }

    public Requests query(String query) {
        this.query = query;
        return this;
    }

    public Requests body(byte[] body) {
        this.body = body;
        return this;
    }

    public Requests sourceIp(String sourceIp) {
        this.sourceIp = sourceIp;
        return this;
    }

    public Requests stage(String stage) {
        this.stage = stage;
        return this;
    }

    /** The stage variables the platform hands in with the request. */
    public Requests stageVariables(Map<String, String> stageVariables) {
        this.stageVariables = Map.copyOf(stageVariables);
        return this;
    }

    public GatewayRequest build() {
        return new GatewayRequest(method, path, query, headers.build(), body, sourceIp, "https", stage, stageVariables);
    }
}
