/**
 * Size checks: a body larger than the route takes is refused with 413 before it costs anything, and
 * an answer larger than the platform can carry back ({@link dev.tollgate.policy.size.ResponseLimit})
 * becomes a 502 problem.
 */
package dev.tollgate.policy.size;
