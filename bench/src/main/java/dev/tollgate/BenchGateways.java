package dev.tollgate;

import dev.tollgate.http.GatewayResponse;

/**
 * Gateways for the benchmarks of the policy work alone: every policy of the request path runs as
 * deployed, and a configured route is answered in-process where the forwarder would call its backend.
 */
public final class BenchGateways {

    private BenchGateways() {
    }

    /** The gateway {@code builder} makes, its routes answered with {@code answer}. */
    public static Gateway answeringWith(Gateway.Builder builder, GatewayResponse answer) {
        return builder.answers((exchange, match) -> answer).build();
    }
}
