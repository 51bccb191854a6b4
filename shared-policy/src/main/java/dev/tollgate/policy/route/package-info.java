/**
 * Route matching: a request's stage, method and path to the configured route, by
 * {@link dev.tollgate.policy.route.PathTemplate} ({@code /orders/{id}}), literal segments first.
 */
package dev.tollgate.policy.route;
