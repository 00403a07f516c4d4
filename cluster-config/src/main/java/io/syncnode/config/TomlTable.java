package io.syncnode.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One table of the parsed document with typed, checked access to its keys. Every problem becomes
 * a {@link ConfigException} naming the dotted key (e.g. {@code folder[0].settle}) and its line.
 * The typed getters throw; {@link #allowOnly} hands unknown keys to the document's {@link Problems},
 * so that a check can report each of them and still read the known keys.
 */
final class TomlTable {
    private final Path file;
    private final KeyLines lines;
    private final String path;
    private final ObjectNode node;
    private final Problems problems;

    TomlTable(Path file, KeyLines lines, String path, ObjectNode node, Problems problems) {
        this.file = file;
        this.lines = lines;
        this.path = path;
        this.node = node;
        this.problems = problems;
    }

    /** The dotted path of {@code key} in this table. */
    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A problem with {@code key} (a key of this table, or "" for the table itself). */
    ConfigException error(String key, String reason) {
        String full = key.isEmpty() ? path : keyPath(key);
        return new ConfigException(file, lines.lineOf(full), full.isEmpty() ? null : full, reason);
    }

    /** Reports each key (in document order) that is not in {@code allowed}: loading throws the first. */
    void allowOnly(Set<String> allowed) throws ConfigException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.report(error(name, "unknown key; expected one of " + allowed.stream().sorted().toList()));
            }
        }
    }

    boolean has(String key) {
        return node.has(key);
    }

    Optional<String> string(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw error(key, "expected a string");
        }
        return Optional.of(v.textValue());
    }

    String requiredString(String key) throws ConfigException {
        return string(key).orElseThrow(() -> error(key, "required"));
    }

    /** A string that must match {@code regex} (given in full in the reason). */
    String requiredName(String key, String regex) throws ConfigException {
        String s = requiredString(key);
        if (!s.matches(regex)) {
            throw error(key, "\"" + s + "\" must match " + regex);
        }
        return s;
    }

    Optional<Long> integer(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(key, "expected an integer");
        }
        return Optional.of(v.longValue());
    }

    Optional<Boolean> bool(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isBoolean()) {
            throw error(key, "expected true or false");
        }
        return Optional.of(v.booleanValue());
    }

    /** A list of strings, or empty when absent. */
    List<String> stringList(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(key, "expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw error(key, "expected a list of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** A string or a list of strings (a single string as a list of one), or empty when absent. */
    List<String> stringOrList(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v != null && v.isTextual()) {
            return List.of(v.textValue());
        }
        if (v != null && !v.isArray()) {
            throw error(key, "expected a string or a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v == null ? List.<JsonNode>of() : v) {
            if (!item.isTextual()) {
                throw error(key, "expected a string or a list of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** An absolute, normalised path. */
    Optional<Path> absolutePath(String key) throws ConfigException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        Path p;
        try {
            p = Path.of(s.get());
        } catch (InvalidPathException e) {
            throw error(key, "\"" + s.get() + "\" is not a valid path: " + e.getReason());
        }
        if (!p.isAbsolute()) {
            throw error(key, "\"" + s.get() + "\" must be an absolute path");
        }
        if (!p.normalize().equals(p)) {
            throw error(key, "\"" + s.get() + "\" must be normalised (no \".\" or \"..\" components)");
        }
        return Optional.of(p);
    }

    /** A duration within {@code [min, max]} ({@code max} null for no bound), or {@code dflt}. */
    Duration duration(String key, Duration dflt, Duration min, Duration max, String range) throws ConfigException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return dflt;
        }
        Duration d;
        try {
            d = DurationParser.parse(s.get());
        } catch (IllegalArgumentException e) {
            throw error(key, "\"" + s.get() + "\": " + e.getMessage());
        }
        if (d.compareTo(min) < 0 || (max != null && d.compareTo(max) > 0)) {
            throw error(key, "\"" + s.get() + "\" must be " + range);
        }
        return d;
    }

    /** One of {@code values} by its config spelling, or {@code dflt}. */
    <E extends Enum<E>> E choice(String key, E[] values, Function<E, String> spelling, E dflt) throws ConfigException {
        Optional<String> s = string(key);
        if (s.isEmpty()) {
            return dflt;
        }
        for (E e : values) {
            if (spelling.apply(e).equals(s.get())) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : values) {
            names.add(spelling.apply(e));
        }
        throw error(key, "\"" + s.get() + "\" must be one of " + String.join(", ", names));
    }

    /** The sub-table {@code key}, if present. */
    Optional<TomlTable> table(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof ObjectNode o)) {
            throw error(key, "expected a table ([" + keyPath(key) + "])");
        }
        return Optional.of(new TomlTable(file, lines, keyPath(key), o, problems));
    }

    /** The array of tables {@code key} ({@code [[key]]}), empty when absent. */
    List<TomlTable> tableArray(String key) throws ConfigException {
        JsonNode v = node.get(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw error(key, "expected an array of tables ([[" + keyPath(key) + "]])");
        }
        List<TomlTable> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!(item instanceof ObjectNode o)) {
                throw error(key, "expected an array of tables ([[" + keyPath(key) + "]])");
            }
            out.add(new TomlTable(file, lines, keyPath(key) + "[" + out.size() + "]", o, problems));
        }
        return out;
    }
}
