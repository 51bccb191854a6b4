package dev.tollgate.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * HTTP headers: names compared without case, each name with one or more values, immutable.
 * Change them through {@link #toBuilder()}.
 */
public final class Headers {

    private static final Headers EMPTY = new Headers(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

    private final TreeMap<String, List<String>> values;

    private Headers(TreeMap<String, List<String>> values) {
        this.values = values;
    }

    public static Headers empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));
    }

    /** The first value of the header, if present. */
    public Optional<String> first(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    public List<String> all(String name) {
        List<String> list = values.get(name);
        return list == null ? List.of() : Collections.unmodifiableList(list);
    }

    /**
     * The header's values as one field, joined by {@code ", "} as RFC 9110 (section 5.3) combines a
     * list-valued field, for platforms that carry one value per name; empty when absent.
     */
    public String joined(String name) {
        return String.join(", ", all(name));
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Every name with its values, in name order. */
    public void forEach(BiConsumer<String, List<String>> action) {
        values.forEach((name, list) -> action.accept(name, Collections.unmodifiableList(list)));
    }

    public Builder toBuilder() {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        values.forEach((name, list) -> copy.put(name, new ArrayList<>(list)));
        return new Builder(copy);
    }

    @Override
    public String toString() {
        return values.toString();
    }

    /** Builds {@link Headers}; not thread-safe. */
    public static final class Builder {
        private final TreeMap<String, List<String>> values;

        private Builder(TreeMap<String, List<String>> values) {
            this.values = values;
        }

        public Builder add(String name, String value) {
            values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            return this;
        }

        public Builder set(String name, String value) {
            List<String> list = new ArrayList<>();
            list.add(value);
            values.put(name, list);
            return this;
        }

        public Builder remove(String name) {
            values.remove(name);
            return this;
        }

        public Builder setAll(Headers other) {
            other.values.forEach((name, list) -> values.put(name, new ArrayList<>(list)));
            return this;
        }

        public Builder addAll(Map<String, ? extends List<String>> map) {
            map.forEach((name, list) -> list.forEach(value -> add(name, value)));
            return this;
        }

        public Headers build() {
            TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
            return new Headers(copy);
        }
    }
}
