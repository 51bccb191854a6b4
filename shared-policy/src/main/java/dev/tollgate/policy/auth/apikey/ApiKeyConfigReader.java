package dev.tollgate.policy.auth.apikey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.config.ConfigReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads the file's {@code apiKeys} list into {@link ApiKeyConfig}s: ids and keys unique, stages and plans known. */
public final class ApiKeyConfigReader {

    private ApiKeyConfigReader() {
    }

    /** The file's keys; the valid ones, with each problem named, stages and plans checked against those defined. */
    public static List<ApiKeyConfig> read(ConfigReader in, JsonNode node, Set<String> stages, Set<String> plans) {
        List<ApiKeyConfig> keys = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return keys;
        }
        if (!node.isArray()) {
            in.problem("apiKeys", ConfigReader.describe(node) + " (expected: a list of keys)");
            return keys;
        }
        Map<String, String> pathById = new HashMap<>();
        Map<String, String> pathByHash = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "apiKeys[" + i + "]";
            JsonNode key = node.get(i);
            if (!key.isObject()) {
                in.problem(path, ConfigReader.describe(key) + " (expected: a map with id, value or sha256, consumer, stage, plan)");
                continue;
            }
            in.unknownFields(key, path, Set.of("id", "value", "sha256", "consumer", "stage", "plan"));
            Optional<String> id = in.name(key.path("id"), path + ".id", "a key id of letters, digits, ., - and _");
            id.ifPresent(value -> {
                String earlier = pathById.putIfAbsent(value, path);
                if (earlier != null) {
                    in.problem(path + ".id", value + " (expected: an id no other key has; " + earlier + " has it)");
                }
            });
            Optional<String> hash = keyHash(in, key, path);
            hash.ifPresent(value -> {
                String earlier = pathByHash.putIfAbsent(value, path);
                if (earlier != null) {
                    in.problem(path, "the same key as " + earlier + " (expected: each key once)");
                }
            });
            Optional<String> consumer = in.name(key.path("consumer"), path + ".consumer",
                    "a consumer name of letters, digits, ., - and _");
            Optional<String> stage = in.reference(key.path("stage"), path + ".stage", stages, "a stage");
            Optional<String> plan = in.reference(key.path("plan"), path + ".plan", plans, "a plan");
            if (id.isPresent() && hash.isPresent() && consumer.isPresent() && stage.isPresent() && plan.isPresent()) {
                keys.add(new ApiKeyConfig(id.get(), hash.get(), consumer.get(), stage.get(), plan.get()));
            }
        }
        return keys;
    }

    private static Optional<String> keyHash(ConfigReader in, JsonNode key, String path) {
        JsonNode value = key.path("value");
        JsonNode sha = key.path("sha256");
        if (value.isMissingNode() == sha.isMissingNode()) {
            in.problem(path, (value.isMissingNode() ? "neither value nor sha256" : "both value and sha256")
                    + " (expected: exactly one: the key itself as value, or its SHA-256 as sha256)");
            return Optional.empty();
        }
        if (!value.isMissingNode()) {
            if (!value.isTextual() || value.asText().length() < ApiKeyConfig.MIN_KEY_LENGTH) {
                in.problem(path + ".value", "a key of " + value.asText().length() + " characters (expected: at least "
                        + ApiKeyConfig.MIN_KEY_LENGTH + " characters)");
                return Optional.empty();
            }
            return Optional.of(ApiKeyHash.sha256Hex(value.asText()));
        }
        if (!sha.isTextual() || !sha.asText().matches("[0-9a-fA-F]{64}")) {
            in.problem(path + ".sha256", ConfigReader.describe(sha) + " (expected: 64 hexadecimal digits)");
            return Optional.empty();
        }
        return Optional.of(sha.asText().toLowerCase(Locale.ROOT));
    }
}
