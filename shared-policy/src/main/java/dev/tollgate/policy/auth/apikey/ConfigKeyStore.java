package dev.tollgate.policy.auth.apikey;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The keys the configuration file declares, held in memory. */
public final class ConfigKeyStore implements KeyStore {

    private final Map<String, ApiKey> bySha256;

    public ConfigKeyStore(List<ApiKeyConfig> keys) {
        this.bySha256 = keys.stream().collect(Collectors.toUnmodifiableMap(ApiKeyConfig::sha256,
                k -> new ApiKey(k.id(), k.consumer(), k.stage(), k.plan()), (a, b) -> a));
    }

    @Override
    public Optional<ApiKey> findBySha256(String sha256Hex) {
        return Optional.ofNullable(bySha256.get(sha256Hex));
    }

}
