/**
 * Failures the gateway answers itself: one exception per category, each rendered by
 * {@link dev.tollgate.problem.Problems} as {@code application/problem+json} (RFC 9457) with the request id.
 */
package dev.tollgate.problem;
