package dev.tollgate.azure;

import dev.tollgate.policy.quota.CounterKeys;

/**
 * Cosmos DB item ids for Tollgate's counter keys. An id holds at most {@value #MAX_ID_LENGTH}
 * characters and none of {@code / \ ? #}, while a counter key may be about a kilobyte of any
 * characters ({@link CounterKeys} bounds its parts, not its characters), its parts joined by
 * {@code #}. A short key of printable ASCII stays readable, its {@code #}s written {@code |}
 * ({@code quota#dev#alice#day#1764720000} is {@code quota|dev|alice|day|1764720000}); a key that
 * holds {@code | / \ ? %} (the last decoded in URLs by some clients), a space or anything beyond
 * ASCII, that is longer, or that begins with {@code sha256:} becomes {@link CounterKeys#hashed its
 * SHA-256} ({@code sha256:} and 64 hex digits). Readable ids never begin with {@code sha256:} and
 * map back to one key each, so no two keys share an id.
 */
final class CosmosItemIds {

    /** Cosmos DB's limit on an item id, in characters. */
    static final int MAX_ID_LENGTH = 255;

    private CosmosItemIds() {
    }

    static String of(String key) {
        return readable(key) ? key.replace('#', '|') : CounterKeys.hashed(key);
    }

    private static boolean readable(String key) {
        if (key.isEmpty() || key.length() > MAX_ID_LENGTH || key.startsWith(CounterKeys.HASHED)) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c > '~' || c == '|' || c == '/' || c == '\\' || c == '?' || c == '%') {
                return false;
            }
        }
        return true;
    }
}
