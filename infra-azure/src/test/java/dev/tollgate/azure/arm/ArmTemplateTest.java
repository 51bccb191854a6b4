package dev.tollgate.azure.arm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed stages' ARM templates, as ./tollgate synth --platform azure writes them, read back as JSON. */
class ArmTemplateTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATABASE_SCOPE = "[format('{0}/dbs/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts',"
            + " variables('cosmosAccountName')), variables('databaseName'))]";
    private static final String PRINCIPAL = "[reference(resourceId('Microsoft.Web/sites', parameters('appName')),"
            + " '2023-12-01', 'full').identity.principalId]";

    @TempDir
    static Path out;
    static String devText;
    static String prodText;
    static JsonNode dev;
    static JsonNode prod;

    @BeforeAll
    static void synthesize() throws IOException {
        List<Path> written = AzureSynth.run(new String[] {"-o", out.toString()}, ROOT,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(written).containsExactly(out.resolve("dev.json"), out.resolve("prod.json"));
        devText = Files.readString(out.resolve("dev.json"));
        prodText = Files.readString(out.resolve("prod.json"));
        dev = JSON.readTree(devText);
        prod = JSON.readTree(prodText);
    }

    @Test
    void eachTemplate_hasEveryResourceType_atAStableApiVersion() {
        assertThat(types(dev)).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                entry("Microsoft.OperationalInsights/workspaces", "2023-09-01"),
                entry("Microsoft.Insights/components", "2020-02-02"),
                entry("Microsoft.Storage/storageAccounts", "2023-05-01"),
                entry("Microsoft.Storage/storageAccounts/blobServices/containers", "2023-05-01"),
                entry("Microsoft.Web/serverfarms", "2023-12-01"),
                entry("Microsoft.Web/sites", "2023-12-01"),
                entry("Microsoft.Web/sites/basicPublishingCredentialsPolicies", "2023-12-01"),
                entry("Microsoft.DocumentDB/databaseAccounts", "2024-05-15"),
                entry("Microsoft.DocumentDB/databaseAccounts/sqlDatabases", "2024-05-15"),
                entry("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers", "2024-05-15"),
                entry("Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions", "2024-05-15"),
                entry("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments", "2024-05-15"),
                entry("Microsoft.Authorization/roleAssignments", "2022-04-01")));
        assertThat(types(prod)).containsEntry("Microsoft.Authorization/locks", "2020-05-01").hasSize(14);
        assertThat(dev.get("$schema").asText())
                .isEqualTo("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        assertThat(apiVersionsAreDates(dev)).isTrue();
    }

    @Test
    void theFunctionApp_runsJava17_onALinuxConsumptionPlan_overHttpsOnly() {
        JsonNode plan = only(dev, "Microsoft.Web/serverfarms");
        assertThat(plan.at("/sku/name").asText()).isEqualTo("Y1");
        assertThat(plan.at("/sku/tier").asText()).isEqualTo("Dynamic");
        assertThat(plan.at("/properties/reserved").asBoolean()).isTrue();

        JsonNode app = only(dev, "Microsoft.Web/sites");
        assertThat(app.get("kind").asText()).isEqualTo("functionapp,linux");
        assertThat(app.at("/properties/serverFarmId").asText())
                .isEqualTo("[resourceId('Microsoft.Web/serverfarms', variables('planName'))]");
        assertThat(app.at("/properties/httpsOnly").asBoolean()).isTrue();
        assertThat(app.at("/properties/siteConfig/linuxFxVersion").asText()).isEqualTo("Java|17");
        assertThat(app.at("/properties/siteConfig/minTlsVersion").asText()).isEqualTo("1.2");
        assertThat(app.at("/properties/siteConfig/ftpsState").asText()).isEqualTo("Disabled");
        assertThat(resources(dev, "Microsoft.Web/sites/basicPublishingCredentialsPolicies"))
                .allSatisfy(policy -> assertThat(policy.at("/properties/allow").asBoolean(true)).isFalse())
                .hasSize(2);
        // The stage caps the scale-out only where the stages file says so.
        assertThat(app.at("/properties/siteConfig/functionAppScaleLimit").isMissingNode()).isTrue();
        assertThat(only(prod, "Microsoft.Web/sites").at("/properties/siteConfig/functionAppScaleLimit").asInt()).isEqualTo(50);
    }

    @Test
    void cosmos_isServerless_keyless_withTheCountersAndKeysContainers_ttlOnCountersOnly() {
        JsonNode account = only(dev, "Microsoft.DocumentDB/databaseAccounts");
        assertThat(account.at("/properties/capabilities/0/name").asText()).isEqualTo("EnableServerless");
        assertThat(account.at("/properties/capabilities").size()).isEqualTo(1);
        assertThat(account.at("/properties/disableLocalAuth").asBoolean()).isTrue();
        assertThat(account.at("/properties/consistencyPolicy/defaultConsistencyLevel").asText()).isEqualTo("Session");
        assertThat(only(dev, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases").at("/properties/resource/id").asText())
                .isEqualTo("[variables('databaseName')]");
        assertThat(dev.at("/variables/databaseName").asText()).isEqualTo("tollgate");

        Map<String, JsonNode> containers = new TreeMap<>();
        for (JsonNode container : resources(dev, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")) {
            String variable = container.at("/properties/resource/id").asText().replaceAll("\\[variables\\('(.*)'\\)]", "$1");
            containers.put(dev.at("/variables/" + variable).asText(), container.at("/properties/resource"));
        }
        assertThat(containers).containsOnlyKeys("tollgate-counters", "tollgate-keys");
        containers.values().forEach(container -> {
            assertThat(container.at("/partitionKey/paths").toString()).isEqualTo("[\"/id\"]");
            assertThat(container.has("options")).as("serverless takes no throughput").isFalse();
        });
        assertThat(containers.get("tollgate-counters").get("defaultTtl").asInt()).isEqualTo(-1);
        assertThat(containers.get("tollgate-keys").has("defaultTtl")).isFalse();
    }

    @Test
    void theStorageAccount_refusesKeys_andTheHostReachesItWithTheAppsIdentity() {
        JsonNode storage = only(dev, "Microsoft.Storage/storageAccounts");
        assertThat(storage.at("/properties/allowSharedKeyAccess").asBoolean(true)).isFalse();
        assertThat(storage.at("/properties/allowBlobPublicAccess").asBoolean(true)).isFalse();
        assertThat(storage.at("/properties/minimumTlsVersion").asText()).isEqualTo("TLS1_2");
        assertThat(settings(dev)).containsEntry("AzureWebJobsStorage__accountName", "[variables('storageAccountName')]")
                .doesNotContainKey("AzureWebJobsStorage")
                .containsEntry("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "SystemAssigned");
        assertThat(settings(dev).get("WEBSITE_RUN_FROM_PACKAGE")).contains("primaryEndpoints.blob",
                "variables('packageContainer')", "variables('packageBlob')");
    }

    @Test
    void theAppsSettings_carryTheStage_itsVariables_andEndpoints_withNoSecret() {
        assertThat(settings(dev)).containsAllEntriesOf(Map.of(
                "FUNCTIONS_EXTENSION_VERSION", "~4",
                "FUNCTIONS_WORKER_RUNTIME", "java",
                "TOLLGATE_STAGE", "dev",
                "TOLLGATE_STAGEVAR_ordersBackend", "ecs://tollgate-dev/orders:8080",
                "TOLLGATE_STAGEVAR_tokenAudience", "tollgate-dev",
                "TOLLGATE_COSMOS_ENDPOINT", "[reference(resourceId('Microsoft.DocumentDB/databaseAccounts',"
                        + " variables('cosmosAccountName')), '2024-05-15').documentEndpoint]",
                "TOLLGATE_COSMOS_DATABASE", "[variables('databaseName')]",
                "TOLLGATE_COUNTERS_CONTAINER", "[variables('countersContainer')]",
                "TOLLGATE_KEYS_CONTAINER", "[variables('keysContainer')]",
                "APPLICATIONINSIGHTS_CONNECTION_STRING", "[reference(resourceId('Microsoft.Insights/components',"
                        + " variables('insightsName')), '2020-02-02').ConnectionString]"));
        assertThat(settings(prod)).containsEntry("TOLLGATE_STAGE", "prod")
                .containsEntry("TOLLGATE_STAGEVAR_ordersBackend",
                        "http://internal-orders-prod-0123456789.eu-west-1.elb.amazonaws.com:8080")
                .containsEntry("TOLLGATE_STAGEVAR_tokenAudience", "tollgate-prod");
        for (JsonNode template : List.of(dev, prod)) {
            assertThat(settings(template)).doesNotContainKeys("TOLLGATE_COSMOS_KEY", "AzureWebJobsStorage");
        }
        // dev reaches ECS: its AWS credentials are Key Vault references the platform resolves, never values.
        assertThat(settings(dev)).containsEntry("AWS_ACCESS_KEY_ID",
                        "@Microsoft.KeyVault(VaultName=tollgate-dev-kv;SecretName=tollgate-aws-access-key-id)")
                .containsEntry("AWS_SECRET_ACCESS_KEY",
                        "@Microsoft.KeyVault(VaultName=tollgate-dev-kv;SecretName=tollgate-aws-secret-access-key)")
                .containsEntry("AWS_REGION", "eu-west-1");
        assertThat(settings(prod)).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION");
    }

    @Test
    void noKeyIsReadOrWritten_anywhere() {
        for (String text : List.of(devText, prodText)) {
            assertThat(text).doesNotContainIgnoringCase("listKeys").doesNotContainIgnoringCase("listConnectionStrings")
                    .doesNotContainIgnoringCase("listAccountSas").doesNotContain("AccountKey=").doesNotContain("SharedAccessSignature")
                    .doesNotContain("primaryMasterKey").doesNotContain("InstrumentationKey=");
        }
    }

    @Test
    void theAppsIdentity_holdsTheLeastRoles_onTheTollgateDatabase_theStorageAccount_andTheKeyVault() {
        assertThat(only(dev, "Microsoft.Web/sites").at("/identity/type").asText()).isEqualTo("SystemAssigned");

        // Items: the built-in Data Contributor, on the tollgate database only.
        Map<String, String> cosmosRoles = new TreeMap<>();
        for (JsonNode assignment : resources(dev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments")) {
            assertThat(assignment.at("/properties/principalId").asText()).isEqualTo(PRINCIPAL);
            cosmosRoles.put(assignment.at("/properties/roleDefinitionId").asText(), assignment.at("/properties/scope").asText());
        }
        String metadataReader = id(only(dev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions"));
        assertThat(cosmosRoles).containsOnly(
                entry("[resourceId('Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions', variables('cosmosAccountName'),"
                        + " variables('cosmosDataContributor'))]", DATABASE_SCOPE),
                entry(metadataReader, "[resourceId('Microsoft.DocumentDB/databaseAccounts', variables('cosmosAccountName'))]"));
        assertThat(dev.at("/variables/cosmosDataContributor").asText()).isEqualTo("00000000-0000-0000-0000-000000000002");
        // Account: its metadata only, which the SDK reads as its client starts.
        JsonNode reader = only(dev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions").get("properties");
        assertThat(reader.at("/permissions").toString())
                .isEqualTo("[{\"dataActions\":[\"Microsoft.DocumentDB/databaseAccounts/readMetadata\"]}]");
        assertThat(reader.at("/type").asText()).isEqualTo("CustomRole");

        Map<String, String> roles = new TreeMap<>();
        for (JsonNode assignment : resources(dev, "Microsoft.Authorization/roleAssignments")) {
            assertThat(assignment.at("/properties/principalId").asText()).isEqualTo(PRINCIPAL);
            assertThat(assignment.at("/properties/principalType").asText()).isEqualTo("ServicePrincipal");
            String role = assignment.at("/properties/roleDefinitionId").asText()
                    .replaceAll(".*variables\\('(.*)'\\)\\)]", "$1");
            roles.put(assignment.get("scope").asText(), dev.at("/variables/" + role).asText());
        }
        assertThat(roles).containsExactly(
                entry("[format('Microsoft.KeyVault/vaults/{0}', variables('keyVaultName'))]",
                        "4633458b-17de-408a-b874-0445c86b69e6"), // Key Vault Secrets User
                entry("[format('Microsoft.Storage/storageAccounts/{0}', variables('storageAccountName'))]",
                        "b7e6dc6d-f1e8-4753-8033-0f276bb0955b")); // Storage Blob Data Owner
        // prod has no ecs:// backend, so no vault to read.
        assertThat(resources(prod, "Microsoft.Authorization/roleAssignments")).hasSize(1);
    }

    @Test
    void everyDependsOn_namesAResourceOfTheTemplate_andRoleAssignmentsWaitForTheIdentity() {
        for (JsonNode template : List.of(dev, prod)) {
            Set<String> ids = new TreeSet<>();
            template.get("resources").forEach(resource -> ids.add(id(resource)));
            template.get("resources").forEach(resource -> resource.path("dependsOn").forEach(dependency ->
                    assertThat(ids).as("%s waits for %s", resource.get("name"), dependency).contains(dependency.asText())));
        }
        String app = "[resourceId('Microsoft.Web/sites', parameters('appName'))]";
        resources(dev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").forEach(role ->
                assertThat(role.get("dependsOn").toString()).contains(app));
        // Cosmos DB takes one role operation on an account at a time: assignment, definition, assignment.
        assertThat(only(dev, "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions").get("dependsOn").toString())
                .contains("sqlRoleAssignments");
        resources(dev, "Microsoft.Authorization/roleAssignments").forEach(role ->
                assertThat(role.get("dependsOn").toString()).contains(app));
        assertThat(only(dev, "Microsoft.Web/sites").get("dependsOn").toString()).contains("serverfarms", "storageAccounts",
                "Microsoft.Insights/components", "databaseAccounts");
    }

    @Test
    void everyParameterAndVariable_isUsed() {
        for (String text : List.of(devText, prodText)) {
            JsonNode template = text.equals(devText) ? dev : prod;
            template.get("parameters").fieldNames().forEachRemaining(name ->
                    assertThat(text).as("parameter %s", name).contains("parameters('" + name + "')"));
            template.get("variables").fieldNames().forEachRemaining(name ->
                    assertThat(text).as("variable %s", name).contains("variables('" + name + "')"));
        }
    }

    @Test
    void devAndProd_differOnlyWhereTheStagesFileSaysSo() {
        Map<String, String> left = flatten(dev);
        Map<String, String> right = flatten(prod);
        Set<String> differing = new TreeSet<>();
        for (String key : union(left.keySet(), right.keySet())) {
            if (!String.valueOf(left.get(key)).equals(String.valueOf(right.get(key)))) {
                differing.add(key);
            }
        }
        assertThat(differing).containsExactlyInAnyOrder(
                "metadata.description", // names the stage
                "parameters.appName.defaultValue", // azure.appName
                "Microsoft.OperationalInsights/workspaces.properties.retentionInDays", // azure.logRetentionDays
                "Microsoft.Web/sites.properties.siteConfig.functionAppScaleLimit", // azure.maxInstances
                "appSettings.TOLLGATE_STAGE",
                "appSettings.TOLLGATE_STAGEVAR_ordersBackend", "appSettings.TOLLGATE_STAGEVAR_tokenAudience", // variables
                "appSettings.AWS_ACCESS_KEY_ID", "appSettings.AWS_SECRET_ACCESS_KEY", "appSettings.AWS_REGION", // ecs://
                "variables.keyVaultName", "variables.keyVaultSecretsUser", "roleAssignment.keyVault", // azure.ecsCredentials
                "Microsoft.Authorization/locks"); // protectData
    }

    @Test
    void aValueThatLooksLikeAnExpression_isEscaped() {
        assertThat(ArmTemplate.literal("[not an expression]")).isEqualTo("[[not an expression]");
        assertThat(ArmTemplate.literal("https://orders.example.com")).isEqualTo("https://orders.example.com");
    }

    /** The template's leaves by a path that names resources by type, settings by name: what a reader compares. */
    private static Map<String, String> flatten(JsonNode written) {
        JsonNode template = written.deepCopy();
        Map<String, String> leaves = new LinkedHashMap<>();
        template.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("resources")) {
                flatten(field.getKey(), field.getValue(), leaves);
            }
        });
        for (JsonNode resource : template.get("resources")) {
            String type = resource.get("type").asText();
            String key = type;
            if (type.equals("Microsoft.Authorization/roleAssignments")) {
                key = resource.get("scope").asText().contains("KeyVault") ? "roleAssignment.keyVault" : "roleAssignment.storage";
            } else if (resources(template, type).size() > 1) {
                key = type + "[" + resource.get("name").asText() + "]";
            }
            if (type.equals("Microsoft.Web/sites")) {
                for (JsonNode setting : resource.at("/properties/siteConfig/appSettings")) {
                    leaves.put("appSettings." + setting.get("name").asText(), setting.get("value").asText());
                }
                ((ObjectNode) resource.at("/properties/siteConfig")).remove("appSettings");
            }
            if (key.startsWith("roleAssignment.keyVault") || type.equals("Microsoft.Authorization/locks")) {
                leaves.put(key, resource.toString()); // present in one stage only: one difference, not one per field
            } else {
                flatten(key, resource, leaves);
            }
        }
        return leaves;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> leaves) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> flatten(path + "." + field.getKey(), field.getValue(), leaves));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "[" + i + "]", node.get(i), leaves);
            }
        } else {
            leaves.put(path, node.asText());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static final Pattern FORMAT = Pattern.compile("\\[format\\('\\{0}(/\\{\\d})*', (.*)\\)]");

    /** {@code [resourceId('TYPE', segments)]} for a resource, from its name as the template writes it. */
    private static String id(JsonNode resource) {
        String name = resource.get("name").asText();
        Matcher format = FORMAT.matcher(name);
        String segments = format.matches() ? format.group(2)
                : name.startsWith("[") ? name.substring(1, name.length() - 1) : "'" + name + "'";
        return "[resourceId('" + resource.get("type").asText() + "', " + segments + ")]";
    }

    private static Map<String, String> types(JsonNode template) {
        Map<String, String> types = new TreeMap<>();
        template.get("resources").forEach(resource -> types.put(resource.get("type").asText(),
                resource.get("apiVersion").asText()));
        return types;
    }

    private static boolean apiVersionsAreDates(JsonNode template) {
        List<String> versions = new ArrayList<>();
        template.get("resources").forEach(resource -> versions.add(resource.get("apiVersion").asText()));
        return versions.stream().allMatch(version -> version.matches("\\d{4}-\\d{2}-\\d{2}")); // no -preview
    }

    static List<JsonNode> resources(JsonNode template, String type) {
        List<JsonNode> found = new ArrayList<>();
        template.get("resources").forEach(resource -> {
            if (resource.get("type").asText().equals(type)) {
                found.add(resource);
            }
        });
        return found;
    }

    private static JsonNode only(JsonNode template, String type) {
        List<JsonNode> found = resources(template, type);
        assertThat(found).as(type).hasSize(1);
        return found.get(0);
    }

    static Map<String, String> settings(JsonNode template) {
        return resources(template, "Microsoft.Web/sites").get(0).at("/properties/siteConfig/appSettings").findParents("name")
                .stream().collect(Collectors.toMap(s -> s.get("name").asText(), s -> s.get("value").asText(),
                        (a, b) -> a, LinkedHashMap::new));
    }
}
