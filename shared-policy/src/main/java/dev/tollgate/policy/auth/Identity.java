package dev.tollgate.policy.auth;

/**
 * Who a request comes from, once authenticated.
 *
 * @param credentialId the id of the credential used (an API key's id); safe to log
 * @param consumer     the consumer; quotas count per consumer
 * @param plan         the consumer's plan
 */
public record Identity(String credentialId, String consumer, String plan) {
}
