package dev.tollgate.battery.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tollgate.aws.RestApiHandler;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST API (payload 1.0) handler: any event bytes come back as a response event with a status, a
 * request id and no 5xx of the gateway's ({@link LambdaEvents#check}). Inputs start from AWS's published
 * v1 sample events (functions-aws/src/test/resources/aws-sample-events).
 */
class LambdaV1EventFuzzTest {

    private static final FuzzedGateway GATEWAY = new FuzzedGateway();
    private static final RestApiHandler HANDLER = new RestApiHandler(GATEWAY.gateway, Optional.of("dev"));

    @AfterAll
    static void stop() {
        GATEWAY.close();
    }

    static Stream<byte[]> samples() {
        return LambdaEvents.samples("v1--");
    }

    @MethodSource("samples")
    @FuzzTest
    void anyEventGetsAValidResponseEvent(byte[] event) {
        FuzzedGateway.expectLoopbackConnections();
        LambdaEvents.check(HANDLER, event, false);
    }
}
