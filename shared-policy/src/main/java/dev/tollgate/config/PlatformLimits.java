package dev.tollgate.config;

import java.time.Duration;

/**
 * What the platform a gateway runs on allows, handed in by its adapter, as {@link
 * dev.tollgate.policy.size.ResponseLimit} is: configuration is checked against it, and a request's
 * tries and the waits between them fit in its longest wait.
 *
 * @param maxTimeout   the longest the platform waits for the function's answer: no route's timeout may be
 *                     longer, and all of a request's tries and waits fit in it, from the request's arrival
 * @param maxBodyBytes the largest request body the platform passes to the function: no route's
 *                     {@code maxBodySize} may be larger
 */
public record PlatformLimits(Duration maxTimeout, long maxBodyBytes) {

    /**
     * For tools and tests that name no platform: as strict as the strictest platform the gateway runs
     * on (API Gateway's 30 s and 10 MB), so that a configuration they accept deploys there too.
     */
    public static final PlatformLimits DEFAULT = new PlatformLimits(Duration.ofSeconds(30), 10L * 1024 * 1024);

    public PlatformLimits {
        // Configuration problems name them in whole seconds and megabytes.
        if (maxTimeout.isNegative() || maxTimeout.isZero() || maxTimeout.toMillis() % 1000 != 0
                || maxBodyBytes < 1 || maxBodyBytes % (1024 * 1024) != 0) {
            throw new IllegalArgumentException("platform limits: " + maxTimeout + ", " + maxBodyBytes
                    + " bytes (expected: a whole number of seconds and of megabytes, above zero)");
        }
    }
}
