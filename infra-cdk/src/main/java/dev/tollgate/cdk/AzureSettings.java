package dev.tollgate.cdk;

import java.util.Optional;

/**
 * A stage's {@code azure:} section of the stages file: what its ARM template ({@code ./tollgate synth --platform
 * azure}) needs beyond the stage's variables. A stage without one is not deployed to Azure.
 *
 * @param appName          the function app's name, unique in Azure ({@code NAME.azurewebsites.net}); the other
 *                         resources' names derive from it
 * @param location         the Azure region, if the file pins one; else the resource group's
 * @param cosmosConsistency the Cosmos DB account's default consistency level, as ARM writes it
 * @param logRetentionDays how long the Log Analytics workspace behind Application Insights keeps the logs
 * @param maxInstances     the most instances the Consumption plan scales the app out to, if the stage caps it
 * @param ecsCredentials   where the AWS credentials for {@code ecs://} discovery from Azure are, if the stage has
 *                         {@code ecs://} backends
 */
public record AzureSettings(String appName, Optional<String> location, String cosmosConsistency, int logRetentionDays,
                            Optional<Integer> maxInstances, Optional<EcsCredentials> ecsCredentials) {

    /** Cosmos DB's default, and the level its SDK's session tokens are made for. */
    public static final String DEFAULT_CONSISTENCY = "Session";
    /** The least a Log Analytics workspace on the pay-as-you-go tier keeps. */
    public static final int DEFAULT_LOG_RETENTION_DAYS = 30;

    /**
     * AWS credentials kept as two secrets of a Key Vault, which the function app's settings reference
     * ({@code @Microsoft.KeyVault(...)}) and the platform resolves: never in the template or the settings' text.
     *
     * @param keyVault the vault's name, in the stage's resource group, with Azure RBAC authorization
     * @param region   the AWS region of the ECS clusters
     */
    public record EcsCredentials(String keyVault, String region) {
        /** The secrets' names in the vault. */
        public static final String ACCESS_KEY_ID_SECRET = "tollgate-aws-access-key-id";
        public static final String SECRET_ACCESS_KEY_SECRET = "tollgate-aws-secret-access-key";
    }
}
