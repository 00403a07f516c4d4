package io.syncnode.node.cli;

import java.util.List;
import java.util.ArrayList;
import java.nio.file.Path;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.config.ConfigException;
import io.syncnode.config.FolderConfig;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.control.ControlClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A verb that asks the running node over its control socket: loads the configuration to find
 * {@code <state-dir>/control.sock}, sends one request and prints the answer.
 */
abstract class NodeCommand implements Callable<Integer> {
    /** How long a verb other than {@code sync} waits for the node's answer. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** Reads answers into the view records; tolerates fields added by a newer node. */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    final Invocation invocation;

    @Mixin
    ConfigOption configOption;

    @Spec
    CommandSpec spec;

    private SyncnodeConfig config;

    NodeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    SyncnodeConfig config() throws ConfigException {
        if (config == null) {
            config = configOption.load(invocation.configs());
        }
        return config;
    }

    ObjectNode request(String verb) {
        return JSON.createObjectNode().put("verb", verb);
    }

    /** Sends {@code request} to the node of this configuration and returns its result. */
    JsonNode ask(ObjectNode request, Duration timeout) throws ConfigException, IOException {
        return ControlClient.call(config().controlSocket(), request, timeout);
    }

    /** Prints {@code result} as one line of JSON. */
    void printJson(JsonNode result) throws JsonProcessingException {
        invocation.out().println(JSON.writeValueAsString(result));
    }

    <T> T read(JsonNode result, Class<T> type) throws IOException {
        try {
            return JSON.treeToValue(result, type);
        } catch (JsonProcessingException e) {
            throw new IOException("the node's answer does not have the expected shape: " + e.getOriginalMessage(), e);
        }
    }

    /** The configured folder called {@code name}; a usage error naming the known ones otherwise. */
    FolderConfig folder(String name) throws ConfigException {
        for (FolderConfig folder : config().folders()) {
            if (folder.name().equals(name)) {
                return folder;
            }
        }
        String known = config().folders().stream().map(FolderConfig::name).collect(Collectors.joining(", "));
        throw new ParameterException(spec.commandLine(), "unknown folder '" + name + "'; "
                + (known.isEmpty() ? "this config has no folders" : "this config has: " + known));
    }

    /**
     * Folder and folder-relative path of an operator's PATH argument: with {@code folderName}, PATH
     * is relative to that folder's root (or absolute inside it); without it, a file-system path
     * inside a configured folder.
     */
    Target target(String folderName, String path) throws ConfigException {
        if (folderName != null) {
            FolderConfig only = folder(folderName);
            Path root = only.path().toAbsolutePath().normalize();
            Path p = Path.of(path);
            Path absolute = p.isAbsolute() ? p.normalize() : root.resolve(p).normalize();
            return new Target(only, relativeTo(only, root, absolute, path));
        }
        Path absolute = Path.of(path).toAbsolutePath().normalize();
        FolderConfig owner = owner(absolute, path);
        return new Target(owner, relativeTo(owner, owner.path().toAbsolutePath().normalize(), absolute, path));
    }

    /** A folder and a path relative to its root ("" for the root). */
    record Target(FolderConfig folder, String path) {
    }

    /** The folder whose root holds {@code absolute}, the innermost when folders nest. */
    FolderConfig owner(Path absolute, String given) throws ConfigException {
        FolderConfig best = null;
        int bestDepth = -1;
        for (FolderConfig candidate : config().folders()) {
            Path root = candidate.path().toAbsolutePath().normalize();
            if (absolute.startsWith(root) && root.getNameCount() > bestDepth) {
                best = candidate;
                bestDepth = root.getNameCount();
            }
        }
        if (best == null) {
            throw new ParameterException(spec.commandLine(), "'" + given
                    + "' is not inside any configured folder; give --folder F and a path relative to its root");
        }
        return best;
    }

    String relativeTo(FolderConfig owner, Path root, Path absolute, String given) {
        if (!absolute.startsWith(root)) {
            throw new ParameterException(spec.commandLine(), "'" + given
                    + "' is outside folder '" + owner.name() + "' (" + root + ")");
        }
        List<String> names = new ArrayList<>();
        for (Path name : root.relativize(absolute)) {
            names.add(name.toString());
        }
        return String.join("/", names);
    }

}
