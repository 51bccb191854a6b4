/**
 * Refusals an adapter decided before the pipeline: an event the platform delivered that cannot be
 * read becomes a problem answer here, after the request id and CORS, so that it is logged, counted
 * and readable by a browser like every other answer.
 */
package dev.tollgate.policy.refusal;
