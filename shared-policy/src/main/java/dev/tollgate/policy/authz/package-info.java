/**
 * Authorization: whether an authenticated caller may use the route, by the scopes and claims of its
 * token ({@link dev.tollgate.policy.authz.AuthorizationPolicy}).
 */
package dev.tollgate.policy.authz;
