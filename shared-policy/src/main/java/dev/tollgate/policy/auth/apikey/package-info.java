/**
 * API-key authentication: {@link dev.tollgate.policy.auth.apikey.ApiKeyAuthenticator} looks the key
 * of {@code x-api-key} up in a {@link dev.tollgate.policy.auth.apikey.KeyStore} by its SHA-256.
 */
package dev.tollgate.policy.auth.apikey;
