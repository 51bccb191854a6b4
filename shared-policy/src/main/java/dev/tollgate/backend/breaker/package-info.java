/**
 * Circuit breakers, one per backend endpoint and settings, living across warm invocations:
 * {@link dev.tollgate.backend.breaker.CircuitBreaker} is an explicit state machine (closed, open, half open).
 */
package dev.tollgate.backend.breaker;
