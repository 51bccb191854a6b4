package dev.tollgate.problem;

import dev.tollgate.http.Headers;
import java.util.Set;
import java.util.TreeSet;

/** A route matches the path but not the method; the answer names the methods it allows. */
public final class MethodNotAllowedException extends GatewayException {

    public MethodNotAllowedException(String method, Set<String> allowed) {
        super(405, "method-not-allowed", "Method Not Allowed",
                "Method " + method + " is not allowed here; allowed: " + String.join(", ", new TreeSet<>(allowed)) + ".",
                Headers.builder().set("allow", String.join(", ", new TreeSet<>(allowed))).build(), null);
    }
}
