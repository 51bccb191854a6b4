/** The correlation id on every request and response, and the one place failures become problems. */
package dev.tollgate.policy.correlation;
