package dev.tollgate.aws;

import dev.tollgate.emulators.LocalEcsApi;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.ecs.EcsClient;

/** Real ECS clients for a {@link LocalEcsApi}, built as the function builds its own but with local credentials. */
public final class LocalEcsClients {

    private LocalEcsClients() {
    }

    public static EcsClient of(LocalEcsApi api) {
        return AwsGateway.ecs(Map.of(AwsGateway.ECS_ENDPOINT, api.endpoint().toString(), "AWS_REGION", LocalEcsApi.REGION),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }
}
