package dev.tollgate.azure;

import dev.tollgate.config.PlatformLimits;
import java.time.Duration;

/**
 * What Azure Functions on the Consumption plan allows an HTTP-triggered function, handed to the
 * configuration's checks and to the gateway as the AWS adapter hands API Gateway's:
 * <ul>
 *   <li>{@value #RESPONSE_TIMEOUT_SECONDS} s: however long {@code functionTimeout} is (5 minutes by
 *       default on the Consumption plan, 10 at most), an HTTP-triggered function must answer within
 *       230 seconds, the idle timeout of the Azure Load Balancer in front of the app, or the caller gets
 *       the platform's own 502 (Microsoft Learn, "Azure Functions scale and hosting", function app
 *       timeout duration; {@code includes/functions-timeout-duration.md} in MicrosoftDocs/azure-docs);</li>
 *   <li>{@value #MAX_REQUEST_MEGABYTES} MB: the HTTP trigger's request length limit (104,857,600 bytes,
 *       the host's {@code maxRequestBodySize}), beyond which the host refuses the request before the
 *       function runs (Microsoft Learn, "Azure Functions HTTP trigger", Limits).</li>
 * </ul>
 * The platform documents no limit on the size of a response, so the function hands the gateway no
 * {@link dev.tollgate.policy.size.ResponseLimit}; the worker carries the body in one gRPC message.
 */
public final class AzureLimits {

    /** The Azure Load Balancer's idle timeout, the longest an HTTP-triggered function can take to answer. */
    public static final int RESPONSE_TIMEOUT_SECONDS = 230;
    /** The HTTP trigger's request length limit, in megabytes of 1,048,576 bytes. */
    public static final int MAX_REQUEST_MEGABYTES = 100;

    public static final PlatformLimits INSTANCE = new PlatformLimits(Duration.ofSeconds(RESPONSE_TIMEOUT_SECONDS),
            (long) MAX_REQUEST_MEGABYTES * 1024 * 1024);

    private AzureLimits() {
    }
}
