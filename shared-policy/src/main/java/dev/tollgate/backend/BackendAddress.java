package dev.tollgate.backend;

import java.net.URI;

/**
 * Where a backend is, once the stage's variables are read: a fixed base URL, or an ECS service
 * whose tasks a {@link BackendResolver} finds for each request.
 */
public sealed interface BackendAddress permits BackendAddress.Url, EcsService {

    /** A fixed http(s) base URL, such as an internal NLB's: {@code https://orders-nlb.internal}. */
    record Url(URI base) implements BackendAddress {
        @Override
        public String toString() {
            return base.toString();
        }
    }
}
