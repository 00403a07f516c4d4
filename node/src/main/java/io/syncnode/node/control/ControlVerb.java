package io.syncnode.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncnode.node.control.ControlHandler.ControlException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The requests the control socket understands, each answering from a {@link ControlHandler}. The
 * result shapes are the {@code --json} contract of DESIGN.md: fields may be added, never renamed
 * or removed.
 */
public enum ControlVerb {
    /** {@code {"verb":"status"}} answers a {@link StatusView}. */
    STATUS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) {
            return json.valueToTree(handler.status());
        }
    },
    /** {@code {"verb":"peers"}} answers an array of {@link PeerView}. */
    PEERS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) {
            return json.valueToTree(handler.peers());
        }
    },
    /** {@code {"verb":"dirty","folder":F}} (folder optional) answers an array of {@link DirtyView}. */
    DIRTY {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) throws BadRequest {
            return json.valueToTree(handler.dirty(folder(request)));
        }
    },
    /**
     * {@code {"verb":"check","folder":F,"paths":[...]}} (both optional; paths relative to the
     * folder) answers {@code {"changed": N}}: how many paths were found changed and marked dirty.
     */
    CHECK {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            long changed = handler.check(folder(request), paths(request));
            return json.createObjectNode().put("changed", changed);
        }
    },
    /**
     * {@code {"verb":"sync","folder":F,"timeoutMs":T}} (folder optional, timeout 60 s when absent)
     * answers {@code {"converged": bool, "remaining": N, "entries": [DirtyView...]}}; when not
     * converged, {@code remaining} counts the dirty entries left and {@code entries} holds the
     * first {@value #SAMPLE} of them.
     */
    /** {@code {"verb":"conflicts"}} answers the list of {@link ConflictView}. */
    CONFLICTS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) {
            return json.valueToTree(handler.conflicts());
        }
    },
    /**
     * {@code {"verb":"resolve","folder":F,"paths":[P],"keep":K}} settles one conflict and answers
     * {@code {"resolved": P}}.
     */
    RESOLVE {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String folder = folder(request);
            List<String> paths = paths(request);
            JsonNode keep = request.get("keep");
            if (folder == null || paths.size() != 1 || keep == null || !keep.isTextual()) {
                throw new BadRequest("resolve needs \"folder\", one path in \"paths\" and \"keep\"");
            }
            handler.resolve(folder, paths.get(0), keep.asText());
            return json.createObjectNode().put("resolved", paths.get(0));
        }
    },
    SYNC {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String folder = folder(request);
            boolean converged = handler.sync(folder, timeout(request));
            List<DirtyView> remaining = converged ? List.of() : handler.dirty(folder);
            ObjectNode result = json.createObjectNode();
            result.put("converged", converged || remaining.isEmpty());
            result.put("remaining", remaining.size());
            result.set("entries", json.valueToTree(remaining.subList(0, Math.min(SAMPLE, remaining.size()))));
            return result;
        }
    };

    /** How many remaining dirty entries a not-converged {@code sync} answer lists. */
    public static final int SAMPLE = 20;

    static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(60);

    /** The verb as written in requests: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The verb named {@code name}, or a {@link BadRequest} listing the known ones. */
    static ControlVerb of(String name) throws BadRequest {
        for (ControlVerb verb : values()) {
            if (verb.wireName().equals(name)) {
                return verb;
            }
        }
        List<String> known = new ArrayList<>();
        for (ControlVerb verb : values()) {
            known.add(verb.wireName());
        }
        throw new BadRequest("unknown verb " + (name == null ? "(none)" : "'" + name + "'")
                + "; known: " + String.join(", ", known));
    }

    abstract JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
            throws BadRequest, ControlException;

    private static String folder(JsonNode request) throws BadRequest {
        JsonNode folder = request.get("folder");
        if (folder == null || folder.isNull()) {
            return null;
        }
        if (!folder.isTextual() || folder.asText().isEmpty()) {
            throw new BadRequest("\"folder\" must be a non-empty string");
        }
        return folder.asText();
    }

    private static List<String> paths(JsonNode request) throws BadRequest {
        JsonNode paths = request.get("paths");
        if (paths == null || paths.isNull()) {
            return List.of();
        }
        if (!paths.isArray()) {
            throw new BadRequest("\"paths\" must be an array of strings");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode path : paths) {
            if (!path.isTextual()) {
                throw new BadRequest("\"paths\" must be an array of strings");
            }
            result.add(path.asText());
        }
        return List.copyOf(result);
    }

    private static Duration timeout(JsonNode request) throws BadRequest {
        JsonNode timeout = request.get("timeoutMs");
        if (timeout == null || timeout.isNull()) {
            return DEFAULT_SYNC_TIMEOUT;
        }
        if (!timeout.canConvertToLong() || !timeout.isIntegralNumber() || timeout.asLong() < 0) {
            throw new BadRequest("\"timeoutMs\" must be a non-negative integer");
        }
        return Duration.ofMillis(timeout.asLong());
    }

    /** A request that does not follow the protocol; answered with {@code ok:false}. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }
}
