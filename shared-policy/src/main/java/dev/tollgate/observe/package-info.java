/**
 * What each request came to, for metrics and access logs: when a request ends, the gateway hands a
 * {@link dev.tollgate.observe.RequestObservation} to its {@link dev.tollgate.observe.RequestObserver}.
 * Policies note what they learn in the exchange's {@link dev.tollgate.observe.Observed} as they run;
 * durations come from an injected {@link dev.tollgate.observe.Ticker}, never the wall clock.
 * <pre>{@code
 * Gateway.builder()...observer(observation -> out.println(observation.status())).build();
 * }</pre>
 */
package dev.tollgate.observe;
