package dev.tollgate.azure.arm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.cdk.AzureSettings;
import dev.tollgate.cdk.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stage's ARM template: the function app on a Linux Consumption plan (Java 17) with a system-assigned
 * identity, its storage account, a serverless Cosmos DB account with the counters and keys containers,
 * Application Insights on a Log Analytics workspace, and the identity's roles. No key is in it or in what it
 * sets up: Cosmos DB and the storage account refuse their keys ({@code disableLocalAuth},
 * {@code allowSharedKeyAccess: false}) and the identity reaches them through data-plane roles; AWS credentials
 * for {@code ecs://} are Key Vault references. The app runs from a package blob it reads with its identity
 * (Linux Consumption runs from a URL only). Everything resolves in one {@code az deployment group create}.
 *
 * <p>Names: the {@code appName} parameter (the stage's {@code azure.appName}) and, derived from it,
 * {@code NAME-plan}, {@code NAME-cosmos}, {@code NAME-logs}, {@code NAME-insights}, and a storage account
 * {@code tg} + {@code uniqueString(resource group, NAME)}.
 */
public final class ArmTemplate {

    public static final String SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

    // The resource types, each at the newest stable API version the docs list.
    static final String SITE = "Microsoft.Web/sites";
    static final String PUBLISHING_CREDENTIALS = "Microsoft.Web/sites/basicPublishingCredentialsPolicies";
    static final String PLAN = "Microsoft.Web/serverfarms";
    static final String WEB_API = "2023-12-01";
    static final String STORAGE_ACCOUNT = "Microsoft.Storage/storageAccounts";
    static final String BLOB_CONTAINER = "Microsoft.Storage/storageAccounts/blobServices/containers";
    static final String STORAGE_API = "2023-05-01";
    static final String COSMOS_ACCOUNT = "Microsoft.DocumentDB/databaseAccounts";
    static final String SQL_DATABASE = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases";
    static final String SQL_CONTAINER = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers";
    static final String SQL_ROLE_DEFINITION = "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions";
    static final String SQL_ROLE_ASSIGNMENT = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments";
    static final String COSMOS_API = "2024-05-15";
    static final String WORKSPACE = "Microsoft.OperationalInsights/workspaces";
    static final String WORKSPACE_API = "2023-09-01";
    static final String INSIGHTS = "Microsoft.Insights/components";
    static final String INSIGHTS_API = "2020-02-02";
    static final String ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments";
    static final String ROLE_ASSIGNMENT_API = "2022-04-01";
    static final String LOCK = "Microsoft.Authorization/locks";
    static final String LOCK_API = "2020-05-01";

    // Built-in roles, the least each use needs.
    /** Cosmos DB Built-in Data Contributor: reads and writes items, no control plane. */
    static final String COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";
    /** Storage Blob Data Owner: what the Functions host needs of AzureWebJobsStorage for an identity connection. */
    static final String STORAGE_BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    /** Key Vault Secrets User: reads secrets' values, for the Key Vault references. */
    static final String KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";

    // The function's settings, as agreed with functions-azure (docs/deploy-azure.md lists them).
    public static final String STAGE = "TOLLGATE_STAGE";
    public static final String STAGE_VARIABLE_PREFIX = "TOLLGATE_STAGEVAR_";
    public static final String COSMOS_ENDPOINT = "TOLLGATE_COSMOS_ENDPOINT";
    public static final String COSMOS_DATABASE = "TOLLGATE_COSMOS_DATABASE";
    public static final String COUNTERS_CONTAINER = "TOLLGATE_COUNTERS_CONTAINER";
    public static final String KEYS_CONTAINER = "TOLLGATE_KEYS_CONTAINER";
    static final String DATABASE = "tollgate";
    static final String COUNTERS = "tollgate-counters";
    static final String KEYS = "tollgate-keys";
    /** Where the deployment puts the app's package (docs/deploy-azure.md): the app runs from this blob. */
    static final String PACKAGE_CONTAINER = "app-package";
    static final String PACKAGE_BLOB = "tollgate.zip";

    private static final String APP_NAME = "parameters('appName')";
    private static final String LOCATION = "[parameters('location')]";
    private static final Ref STORAGE = new Ref(STORAGE_ACCOUNT, "variables('storageAccountName')");
    private static final Ref PACKAGES = new Ref(BLOB_CONTAINER, "variables('storageAccountName')", "'default'",
            "variables('packageContainer')");
    private static final Ref HOSTING_PLAN = new Ref(PLAN, "variables('planName')");
    private static final Ref APP = new Ref(SITE, APP_NAME);
    private static final Ref LOGS = new Ref(WORKSPACE, "variables('workspaceName')");
    private static final Ref APP_INSIGHTS = new Ref(INSIGHTS, "variables('insightsName')");
    private static final Ref COSMOS = new Ref(COSMOS_ACCOUNT, "variables('cosmosAccountName')");
    private static final Ref TOLLGATE_DATABASE = new Ref(SQL_DATABASE, "variables('cosmosAccountName')",
            "variables('databaseName')");
    /** The database, as a Cosmos DB data-plane role assignment's scope takes it. */
    private static final String TOLLGATE_DATABASE_SCOPE = "format('{0}/dbs/{1}', " + COSMOS.id() + ", variables('databaseName'))";
    private static final Ref DATA_CONTRIBUTOR = new Ref(SQL_ROLE_DEFINITION, "variables('cosmosAccountName')",
            "variables('cosmosDataContributor')");
    private static final Ref METADATA_READER = new Ref(SQL_ROLE_DEFINITION, "variables('cosmosAccountName')",
            "guid(" + COSMOS.id() + ", 'readMetadata')");
    private static final String PRINCIPAL_ID = "reference(" + APP.id() + ", '" + WEB_API + "', 'full').identity.principalId";
    private static final String PACKAGE_URL = "format('{0}{1}/{2}', reference(" + STORAGE.id() + ", '" + STORAGE_API
            + "').primaryEndpoints.blob, variables('packageContainer'), variables('packageBlob'))";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ArmTemplate() {
    }

    /**
     * @param stage  a stage with its {@code azure:} section
     * @param source the stages file, as the template's description names it
     */
    public static ObjectNode of(Stage stage, String source) {
        AzureSettings azure = stage.azure().orElseThrow(() -> new IllegalArgumentException("stage " + stage.name()
                + " has no azure section"));
        ObjectNode template = NODES.objectNode();
        template.put("$schema", SCHEMA);
        template.put("contentVersion", "1.0.0.0");
        template.putObject("metadata").put("description", "Tollgate, stage " + stage.name() + ", from " + source
                + " by ./tollgate synth --platform azure: edit that file, not this one.");
        parameters(template.putObject("parameters"), azure);
        variables(template.putObject("variables"), azure);
        ArrayNode resources = template.putArray("resources");
        resources.add(workspace(azure));
        resources.add(insights());
        resources.add(storageAccount());
        resources.add(packageContainer());
        resources.add(plan());
        resources.add(cosmosAccount(azure));
        resources.add(database());
        resources.add(container("variables('countersContainer')", true));
        resources.add(container("variables('keysContainer')", false));
        resources.add(functionApp(stage, azure));
        for (String policy : List.of("ftp", "scm")) {
            resources.add(publishingCredentials(policy));
        }
        // One after the other: Cosmos DB takes one role operation on an account at a time.
        resources.add(cosmosRoleAssignment(DATA_CONTRIBUTOR, "[" + TOLLGATE_DATABASE_SCOPE + "]", TOLLGATE_DATABASE));
        resources.add(metadataReader(assignmentOf(DATA_CONTRIBUTOR)));
        resources.add(cosmosRoleAssignment(METADATA_READER, "[" + COSMOS.id() + "]", METADATA_READER));
        resources.add(roleAssignment(STORAGE.scope(), STORAGE, "variables('storageBlobDataOwner')"));
        if (azure.ecsCredentials().isPresent()) {
            resources.add(roleAssignment("format('Microsoft.KeyVault/vaults/{0}', variables('keyVaultName'))", null,
                    "variables('keyVaultSecretsUser')"));
        }
        if (stage.protectData()) {
            resources.add(cosmosLock());
        }
        outputs(template.putObject("outputs"));
        return template;
    }

    /** The template as written to its file: indented, one trailing newline. */
    public static String write(ObjectNode template) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(template) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void parameters(ObjectNode parameters, AzureSettings azure) {
        ObjectNode appName = parameters.putObject("appName");
        appName.put("type", "string");
        appName.put("defaultValue", azure.appName());
        appName.put("minLength", 3);
        appName.put("maxLength", 32);
        appName.putObject("metadata").put("description", "The function app's name, unique in Azure"
                + " (NAME.azurewebsites.net): the stage's azure.appName. The other resources' names derive from it.");
        ObjectNode location = parameters.putObject("location");
        location.put("type", "string");
        location.put("defaultValue", azure.location().orElse("[resourceGroup().location]"));
        location.putObject("metadata").put("description", "The Azure region of every resource: the stage's"
                + " azure.location, or the resource group's.");
    }

    private static void variables(ObjectNode variables, AzureSettings azure) {
        variables.put("planName", "[format('{0}-plan', " + APP_NAME + ")]");
        // 3 to 24 lowercase letters and digits, unique in Azure: "tg" and 13 characters of a hash.
        variables.put("storageAccountName", "[format('tg{0}', uniqueString(resourceGroup().id, " + APP_NAME + "))]");
        variables.put("cosmosAccountName", "[format('{0}-cosmos', " + APP_NAME + ")]");
        variables.put("workspaceName", "[format('{0}-logs', " + APP_NAME + ")]");
        variables.put("insightsName", "[format('{0}-insights', " + APP_NAME + ")]");
        variables.put("databaseName", DATABASE);
        variables.put("countersContainer", COUNTERS);
        variables.put("keysContainer", KEYS);
        variables.put("packageContainer", PACKAGE_CONTAINER);
        variables.put("packageBlob", PACKAGE_BLOB);
        variables.put("cosmosDataContributor", COSMOS_DATA_CONTRIBUTOR);
        variables.put("storageBlobDataOwner", STORAGE_BLOB_DATA_OWNER);
        azure.ecsCredentials().ifPresent(ecs -> {
            variables.put("keyVaultName", ecs.keyVault());
            variables.put("keyVaultSecretsUser", KEY_VAULT_SECRETS_USER);
        });
    }

    private static ObjectNode workspace(AzureSettings azure) {
        ObjectNode workspace = resource(LOGS, WORKSPACE_API);
        ObjectNode properties = workspace.putObject("properties");
        properties.putObject("sku").put("name", "PerGB2018");
        properties.put("retentionInDays", azure.logRetentionDays());
        return workspace;
    }

    /** Workspace-based Application Insights: where the function's logs and metrics go (APPLICATIONINSIGHTS_CONNECTION_STRING). */
    private static ObjectNode insights() {
        ObjectNode insights = resource(APP_INSIGHTS, INSIGHTS_API, LOGS);
        insights.put("kind", "web");
        ObjectNode properties = insights.putObject("properties");
        properties.put("Application_Type", "web");
        properties.put("WorkspaceResourceId", "[" + LOGS.id() + "]");
        properties.put("IngestionMode", "LogAnalytics");
        return insights;
    }

    private static ObjectNode storageAccount() {
        ObjectNode storage = resource(STORAGE, STORAGE_API);
        storage.putObject("sku").put("name", "Standard_LRS");
        storage.put("kind", "StorageV2");
        ObjectNode properties = storage.putObject("properties");
        properties.put("minimumTlsVersion", "TLS1_2");
        properties.put("supportsHttpsTrafficOnly", true);
        properties.put("allowBlobPublicAccess", false);
        // The host connects with the app's identity (AzureWebJobsStorage__accountName): the keys serve no one.
        properties.put("allowSharedKeyAccess", false);
        properties.put("defaultToOAuthAuthentication", true);
        return storage;
    }

    private static ObjectNode packageContainer() {
        ObjectNode container = resource(PACKAGES, STORAGE_API, STORAGE);
        container.remove("location");
        container.putObject("properties").put("publicAccess", "None");
        return container;
    }

    private static ObjectNode plan() {
        ObjectNode plan = resource(HOSTING_PLAN, WEB_API);
        plan.put("kind", "functionapp");
        ObjectNode sku = plan.putObject("sku");
        sku.put("name", "Y1");
        sku.put("tier", "Dynamic");
        plan.putObject("properties").put("reserved", true); // Linux
        return plan;
    }

    private static ObjectNode cosmosAccount(AzureSettings azure) {
        ObjectNode account = resource(COSMOS, COSMOS_API);
        account.put("kind", "GlobalDocumentDB");
        ObjectNode properties = account.putObject("properties");
        properties.put("databaseAccountOfferType", "Standard");
        properties.putObject("consistencyPolicy").put("defaultConsistencyLevel", azure.cosmosConsistency());
        ObjectNode region = properties.putArray("locations").addObject();
        region.put("locationName", LOCATION);
        region.put("failoverPriority", 0);
        region.put("isZoneRedundant", false);
        properties.putArray("capabilities").addObject().put("name", "EnableServerless");
        // Microsoft Entra ID only: the account's keys are refused, the app's identity holds a data-plane role.
        properties.put("disableLocalAuth", true);
        properties.put("disableKeyBasedMetadataWriteAccess", true);
        properties.put("minimalTlsVersion", "Tls12");
        return account;
    }

    private static ObjectNode database() {
        ObjectNode database = resource(TOLLGATE_DATABASE, COSMOS_API, COSMOS);
        database.remove("location");
        database.putObject("properties").putObject("resource").put("id", "[variables('databaseName')]");
        return database;
    }

    /**
     * A container partitioned by item id. The counters' has TTL on with no default ({@code defaultTtl: -1}): each
     * counter item carries its own {@code ttl}, past its window, so old windows go away by themselves.
     */
    private static ObjectNode container(String nameExpression, boolean ttl) {
        ObjectNode container = resource(new Ref(SQL_CONTAINER, "variables('cosmosAccountName')", "variables('databaseName')",
                nameExpression), COSMOS_API, TOLLGATE_DATABASE);
        container.remove("location");
        ObjectNode resource = container.putObject("properties").putObject("resource");
        resource.put("id", "[" + nameExpression + "]");
        ObjectNode partitionKey = resource.putObject("partitionKey");
        partitionKey.putArray("paths").add("/id");
        partitionKey.put("kind", "Hash");
        partitionKey.put("version", 2);
        if (ttl) {
            resource.put("defaultTtl", -1);
        }
        return container;
    }

    private static ObjectNode functionApp(Stage stage, AzureSettings azure) {
        ObjectNode app = resource(APP, WEB_API, HOSTING_PLAN, STORAGE, APP_INSIGHTS, COSMOS);
        app.put("kind", "functionapp,linux");
        app.putObject("identity").put("type", "SystemAssigned");
        ObjectNode properties = app.putObject("properties");
        properties.put("serverFarmId", "[" + HOSTING_PLAN.id() + "]");
        properties.put("reserved", true);
        properties.put("httpsOnly", true);
        properties.put("clientAffinityEnabled", false);
        ObjectNode site = properties.putObject("siteConfig");
        site.put("linuxFxVersion", "Java|17");
        site.put("minTlsVersion", "1.2");
        site.put("ftpsState", "Disabled");
        site.put("http20Enabled", true);
        azure.maxInstances().ifPresent(max -> site.put("functionAppScaleLimit", max));
        ArrayNode settings = site.putArray("appSettings");
        appSettings(stage, azure).forEach((name, value) -> {
            ObjectNode setting = settings.addObject();
            setting.put("name", name);
            setting.put("value", value);
        });
        return app;
    }

    /** The app's settings, by name: the platform's, then Tollgate's, then the stage's variables. */
    static Map<String, String> appSettings(Stage stage, AzureSettings azure) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("AzureWebJobsStorage__accountName", "[variables('storageAccountName')]");
        settings.put("FUNCTIONS_EXTENSION_VERSION", "~4");
        settings.put("FUNCTIONS_WORKER_RUNTIME", "java");
        settings.put("APPLICATIONINSIGHTS_CONNECTION_STRING", "[reference(" + APP_INSIGHTS.id() + ", '" + INSIGHTS_API
                + "').ConnectionString]");
        settings.put("WEBSITE_RUN_FROM_PACKAGE", "[" + PACKAGE_URL + "]");
        settings.put("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "SystemAssigned");
        settings.put(STAGE, stage.name());
        settings.put(COSMOS_ENDPOINT, "[reference(" + COSMOS.id() + ", '" + COSMOS_API + "').documentEndpoint]");
        settings.put(COSMOS_DATABASE, "[variables('databaseName')]");
        settings.put(COUNTERS_CONTAINER, "[variables('countersContainer')]");
        settings.put(KEYS_CONTAINER, "[variables('keysContainer')]");
        stage.variables().forEach((name, value) -> settings.put(STAGE_VARIABLE_PREFIX + name, literal(value)));
        azure.ecsCredentials().ifPresent(ecs -> {
            settings.put("AWS_ACCESS_KEY_ID", keyVaultReference(ecs.keyVault(), AzureSettings.EcsCredentials.ACCESS_KEY_ID_SECRET));
            settings.put("AWS_SECRET_ACCESS_KEY", keyVaultReference(ecs.keyVault(),
                    AzureSettings.EcsCredentials.SECRET_ACCESS_KEY_SECRET));
            settings.put("AWS_REGION", ecs.region());
        });
        return settings;
    }

    /** A reference the platform resolves with the app's identity before the worker starts: the value is never here. */
    static String keyVaultReference(String vault, String secret) {
        return "@Microsoft.KeyVault(VaultName=" + vault + ";SecretName=" + secret + ")";
    }

    /** A value as ARM reads it literally: a leading {@code [} would make it an expression, {@code [[} escapes it. */
    static String literal(String value) {
        return value.startsWith("[") ? "[" + value : value;
    }

    /** Neither password nor key for FTP or the deployment endpoint: deployment goes through the package blob. */
    private static ObjectNode publishingCredentials(String policy) {
        ObjectNode credentials = resource(new Ref(PUBLISHING_CREDENTIALS, APP_NAME, "'" + policy + "'"), WEB_API, APP);
        credentials.remove("location");
        credentials.putObject("properties").put("allow", false);
        return credentials;
    }

    /**
     * A data-plane role for the app's identity. Items: the built-in Data Contributor on the tollgate database only,
     * no control plane, no other database. Account: reading its metadata only, which the SDK does when its client
     * starts (the account's regions, GET /) and which a role scoped to a database does not grant.
     */
    private static ObjectNode cosmosRoleAssignment(Ref role, String scope, Ref waitsFor) {
        ObjectNode roleAssignment = resource(assignmentOf(role), COSMOS_API, APP, waitsFor);
        roleAssignment.remove("location");
        ObjectNode properties = roleAssignment.putObject("properties");
        properties.put("roleDefinitionId", "[" + role.id() + "]");
        properties.put("principalId", "[" + PRINCIPAL_ID + "]");
        properties.put("scope", scope);
        return roleAssignment;
    }

    /** The app's assignment of a Cosmos DB role. */
    private static Ref assignmentOf(Ref role) {
        return new Ref(SQL_ROLE_ASSIGNMENT, "variables('cosmosAccountName')",
                "guid(" + COSMOS.id() + ", " + APP.id() + ", " + role.segments().get(1) + ")");
    }

    /** A Cosmos DB role of one permission: reading the account's metadata (no item, no database's content). */
    private static ObjectNode metadataReader(Ref waitsFor) {
        ObjectNode definition = resource(METADATA_READER, COSMOS_API, COSMOS, waitsFor);
        definition.remove("location");
        ObjectNode properties = definition.putObject("properties");
        properties.put("roleName", "Tollgate account metadata reader");
        properties.put("type", "CustomRole");
        properties.putArray("assignableScopes").add("[" + COSMOS.id() + "]");
        properties.putArray("permissions").addObject().putArray("dataActions")
                .add("Microsoft.DocumentDB/databaseAccounts/readMetadata");
        return definition;
    }

    /**
     * An Azure RBAC role for the app's identity on one resource.
     *
     * @param scope  the resource, as an expression of its id relative to the resource group
     * @param target the resource if this template makes it (then the assignment waits for it), else {@code null}
     */
    private static ObjectNode roleAssignment(String scope, Ref target, String role) {
        ObjectNode assignment = NODES.objectNode();
        assignment.put("type", ROLE_ASSIGNMENT);
        assignment.put("apiVersion", ROLE_ASSIGNMENT_API);
        assignment.put("scope", "[" + scope + "]");
        assignment.put("name", "[guid(" + scope + ", " + APP.id() + ", " + role + ")]");
        ArrayNode dependsOn = assignment.putArray("dependsOn");
        if (target != null) {
            dependsOn.add("[" + target.id() + "]");
        }
        dependsOn.add("[" + APP.id() + "]");
        ObjectNode properties = assignment.putObject("properties");
        properties.put("roleDefinitionId", "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', " + role + ")]");
        properties.put("principalId", "[" + PRINCIPAL_ID + "]");
        // Created at once with the identity: without the type, RBAC may not find the new principal yet.
        properties.put("principalType", "ServicePrincipal");
        return assignment;
    }

    /** {@code protectData}: the counters and keys outlive a mistaken delete of the account or the resource group. */
    private static ObjectNode cosmosLock() {
        ObjectNode lock = NODES.objectNode();
        lock.put("type", LOCK);
        lock.put("apiVersion", LOCK_API);
        lock.put("scope", "[" + COSMOS.scope() + "]");
        lock.put("name", "tollgate-protect-data");
        lock.putArray("dependsOn").add("[" + COSMOS.id() + "]");
        ObjectNode properties = lock.putObject("properties");
        properties.put("level", "CanNotDelete");
        properties.put("notes", "protectData in the stages file: counters and keys are kept.");
        return lock;
    }

    private static void outputs(ObjectNode outputs) {
        output(outputs, "functionAppName", APP_NAME);
        output(outputs, "functionAppUrl", "format('https://{0}', reference(" + APP.id() + ", '" + WEB_API
                + "').defaultHostName)");
        output(outputs, "storageAccountName", "variables('storageAccountName')");
        output(outputs, "packageUrl", PACKAGE_URL);
        output(outputs, "cosmosEndpoint", "reference(" + COSMOS.id() + ", '" + COSMOS_API + "').documentEndpoint");
        output(outputs, "principalId", PRINCIPAL_ID);
    }

    private static void output(ObjectNode outputs, String name, String expression) {
        ObjectNode output = outputs.putObject(name);
        output.put("type", "string");
        output.put("value", "[" + expression + "]");
    }

    /** A resource with its type, API version, name, location and what it waits for. */
    private static ObjectNode resource(Ref ref, String apiVersion, Ref... dependsOn) {
        ObjectNode resource = NODES.objectNode();
        resource.put("type", ref.type());
        resource.put("apiVersion", apiVersion);
        resource.put("name", ref.name());
        resource.put("location", LOCATION);
        if (dependsOn.length > 0) {
            ArrayNode waits = resource.putArray("dependsOn");
            Arrays.stream(dependsOn).forEach(other -> waits.add("[" + other.id() + "]"));
        }
        return resource;
    }

    /**
     * A resource of this template: its type and its name's segments, each an ARM expression (a child's name
     * is its parents' names and its own). {@code dependsOn} and references take its {@link #id()}.
     */
    record Ref(String type, List<String> segments) {
        Ref(String type, String... segments) {
            this(type, List.of(segments));
        }

        /** The name as the resource writes it: {@code [format('{0}/{1}', a, b)]} for a child. */
        String name() {
            if (segments.size() == 1) {
                return "[" + segments.get(0) + "]";
            }
            List<String> places = new ArrayList<>();
            for (int i = 0; i < segments.size(); i++) {
                places.add("{" + i + "}");
            }
            return "[format('" + String.join("/", places) + "', " + String.join(", ", segments) + ")]";
        }

        /** {@code resourceId('TYPE', segments...)}, without brackets. */
        String id() {
            return "resourceId('" + type + "', " + String.join(", ", segments) + ")";
        }

        /** The id relative to the resource group, as an extension resource's {@code scope} takes it (top-level only). */
        String scope() {
            return "format('" + type + "/{0}', " + segments.get(0) + ")";
        }
    }
}
