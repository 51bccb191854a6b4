/**
 * Authentication: who is calling. {@link dev.tollgate.policy.auth.AuthenticationPolicy} takes the
 * credentials the route accepts ({@link dev.tollgate.policy.auth.AuthConfig}) and hands them to the
 * authenticator of their kind, each in its own package ({@code apikey}, {@code jwt}).
 */
package dev.tollgate.policy.auth;
