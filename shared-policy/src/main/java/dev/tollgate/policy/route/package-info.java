/**
 * Route matching: a request's stage, method and path to the configured route, by
 * {@link dev.tollgate.policy.route.PathTemplate} ({@code /orders/{id}}), literal segments first. The
 * {@link dev.tollgate.policy.route.RouteMatch} is a configured route or one of the gateway's own
 * endpoints; {@link dev.tollgate.policy.route.RouteHandlerPolicy}, last in the pipeline, forwards the
 * first and lets the second answer.
 */
package dev.tollgate.policy.route;
