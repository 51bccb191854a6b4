/**
 * Backends: where a route's requests go ({@link dev.tollgate.backend.BackendTarget}, a URL or a
 * stage variable) and how they get there ({@link dev.tollgate.backend.HttpForwarder}).
 */
package dev.tollgate.backend;
