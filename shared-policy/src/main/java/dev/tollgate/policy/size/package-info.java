/** Size checks: a body larger than the route takes is refused with 413 before it costs anything. */
package dev.tollgate.policy.size;
