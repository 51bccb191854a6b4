package dev.tollgate.testing;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tollgate.policy.auth.jwt.JwksFetchException;
import dev.tollgate.policy.auth.jwt.JwksSource;
import dev.tollgate.policy.auth.jwt.JwtIssuerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Issuers' keys held in memory, by issuer name; counts fetches and can be told to fail. */
public final class InMemoryJwksSource implements JwksSource {

    private final Map<String, JWKSet> keys = new ConcurrentHashMap<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean failing;

    /** Serves these issuers' public keys under an issuer name. */
    public InMemoryJwksSource serve(String issuerName, TestIssuer... issuers) {
        List<JWK> all = new ArrayList<>();
        for (TestIssuer issuer : issuers) {
            all.addAll(issuer.publicKeys().getKeys());
        }
        keys.put(issuerName, new JWKSet(all));
        return this;
    }

    public void failing(boolean failing) {
        this.failing = failing;
    }

    public int fetches() {
        return fetches.get();
    }

    @Override
    public JWKSet fetch(JwtIssuerConfig issuer) throws JwksFetchException {
        fetches.incrementAndGet();
        if (failing) {
            throw new JwksFetchException("told to fail", null);
        }
        JWKSet set = keys.get(issuer.name());
        if (set == null) {
            throw new JwksFetchException("no keys for " + issuer.name(), null);
        }
        return set;
    }
}
