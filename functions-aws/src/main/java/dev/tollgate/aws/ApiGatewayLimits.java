package dev.tollgate.aws;

import dev.tollgate.config.PlatformLimits;
import java.time.Duration;

/**
 * What API Gateway allows a Lambda proxy integration, handed to the configuration's checks and to the
 * gateway: an HTTP API waits at most 30 s for its integration (a REST API's limit is 29 s by default,
 * raised on request), and either passes request bodies of up to 10 MB.
 */
final class ApiGatewayLimits {

    static final PlatformLimits INSTANCE = new PlatformLimits(Duration.ofSeconds(30), 10L * 1024 * 1024);

    private ApiGatewayLimits() {
    }
}
