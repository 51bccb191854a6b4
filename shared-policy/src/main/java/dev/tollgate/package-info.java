/**
 * Tollgate's cloud-neutral core. {@link dev.tollgate.Gateway} runs every request through one policy
 * pipeline; adapters translate their platform's events to {@link dev.tollgate.http.GatewayRequest} and back:
 * <pre>{@code
 * Gateway gateway = Gateway.builder().config(ConfigLoader.load(path)).counters(store).keys(keys).build();
 * GatewayResponse response = gateway.handle(request);
 * }</pre>
 */
package dev.tollgate;
