/**
 * CORS for browser callers: preflight answered by the gateway, CORS headers on every answer to an
 * allowed origin, gateway-made problems included. Configured by the file's {@code cors} section.
 */
package dev.tollgate.policy.cors;
