/**
 * Circuit breakers, one per backend endpoint and settings, living across warm invocations:
 * {@link dev.tollgate.backend.breaker.CircuitBreaker} is an explicit state machine (closed, open, half open),
 * and {@link dev.tollgate.backend.breaker.CircuitBreakers} keeps one per endpoint.
 */
package dev.tollgate.backend.breaker;
