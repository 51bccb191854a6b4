package dev.tollgate.policy.auth.apikey;

/**
 * A known API key, without the key itself.
 *
 * @param id       the key's id, safe to log
 * @param consumer who uses it
 * @param stage    the one stage it is valid on
 * @param plan     the consumer's plan
 */
public record ApiKey(String id, String consumer, String stage, String plan) {
}
