/**
 * API-key authentication: {@link dev.tollgate.policy.auth.apikey.ApiKeyPolicy} reads {@code x-api-key}
 * and asks a {@link dev.tollgate.policy.auth.apikey.KeyStore} by the key's SHA-256.
 */
package dev.tollgate.policy.auth.apikey;
