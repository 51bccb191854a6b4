package dev.tollgate.conformance;

import dev.tollgate.policy.auth.apikey.KeyAdmin;

/**
 * One way Tollgate runs: the suite's {@link Call} turned into what that platform hands the gateway,
 * and what the gateway answers turned back into what a caller receives. Every adapter runs the same
 * configuration over the same backends ({@link Conformance}).
 */
public interface Adapter extends AutoCloseable {

    /** The name in the table: {@code lambda-v2}, {@code lambda-v1}, {@code azure-function}, {@code local-aws}, {@code local-azure}. */
    String name();

    Answer send(Call call) throws Exception;

    /** The keys store the adapter's gateway looks keys up in, beside its configuration file's, as {@code ./tollgate keys} writes it. */
    KeyAdmin keys();

    @Override
    void close();
}
