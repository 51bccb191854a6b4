/**
 * API-key authentication: {@link dev.tollgate.policy.auth.apikey.ApiKeyAuthenticator} looks the key
 * of {@code x-api-key} up in a {@link dev.tollgate.policy.auth.apikey.KeyStore} by its SHA-256, and
 * refuses revoked and expired keys. A function instance asks the file's keys first, then a table's
 * through a {@link dev.tollgate.policy.auth.apikey.CachingKeyStore}:
 * {@code new ConfigKeyStore(config.apiKeys()).orElse(new CachingKeyStore(table, ttl, capacity, clock))}.
 */
package dev.tollgate.policy.auth.apikey;
