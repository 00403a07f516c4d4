package io.syncnode.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    /**
     * {@code {"verb":"status"}} answers a {@link StatusView}. With {@code "render": "text"} or
     * {@code "json"} it answers {@code {"output": TEXT, "exit": 0|4}}: what {@code syncnode status}
     * (or {@code status --json}) prints and its exit code, rendered here ({@link StatusText}) so that
     * a client needs no JSON binding of its own (the CLI's quick path, a shell with socat).
     */
    STATUS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) throws BadRequest {
            StatusView status = handler.status();
            JsonNode render = request.get("render");
            if (render == null || render.isNull()) {
                return json.valueToTree(status);
            }
            String output = switch (render.asText()) {
                case "text" -> StatusText.render(status);
                case "json" -> {
                    try {
                        yield json.writeValueAsString(StatusText.withHealth(json.valueToTree(status), status))
                                + System.lineSeparator();
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        throw new IllegalStateException("status does not serialize", e);
                    }
                }
                default -> throw new BadRequest("\"render\" must be \"text\" or \"json\", not " + render);
            };
            return json.createObjectNode().put("output", output).put("exit", StatusText.exitCode(status));
        }
    },
    /** {@code {"verb":"peers"}} answers an array of {@link PeerView}. */
    PEERS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) {
            return json.valueToTree(handler.peers());
        }
    },
    /** {@code {"verb":"dirty","folder":F}} (folder optional): {@link DirtyView#answer}. */
    DIRTY {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return DirtyView.answer(handler, folder(request), request.get("limit"), text(request, "after", false), json);
        }
    },
    /**
     * {@code {"verb":"check","folder":F,"paths":[...]}} (both optional; paths relative to the
     * folder) answers a {@link CheckView}: {@code {"changed": N, "halted": [{"folder", "reason"}...]}},
     * how many paths were found changed and marked dirty, and which checked folders are halted.
     */
    CHECK {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.check(folder(request), paths(request)));
        }
    },
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
    /**
     * {@code {"verb":"sync","folder":F,"timeoutMs":T,"allPeers":bool}} (folder optional, timeout 60 s
     * and allPeers false when absent) answers a {@link SyncView}: {@code {"converged": bool,
     * "remaining": N, "entries": [DirtyView...], "paused": [F...], "skipped": [{"peer", "dirty"}...]}};
     * when not converged, {@code remaining} counts the dirty entries left toward the peers waited on
     * and {@code entries} holds the first {@value #SAMPLE} of them. {@code paused} names the paused
     * folders that were left out (their dirty entries are not counted); {@code skipped} the peers that
     * are not members now, which were not waited on (none with allPeers).
     */
    SYNC {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.sync(folder(request), timeout(request), flag(request, "allPeers")));
        }
    },
    /**
     * {@code {"verb":"pause","folder":F}} stops syncing F on this node (kept across restarts) and
     * answers {@code {"folder": F, "paused": true, "changed": bool}}; {@code changed} is false when
     * F was paused already.
     */
    PAUSE {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String folder = requiredFolder(request, "pause");
            boolean changed = handler.pause(folder);
            return json.createObjectNode().put("folder", folder).put("paused", true).put("changed", changed);
        }
    },
    /**
     * {@code {"verb":"resume","folder":F}} restarts syncing F on this node and answers, once F has
     * been rescanned, {@code {"folder": F, "paused": false, "changed": bool}}; {@code changed} is
     * false when F was not paused.
     */
    RESUME {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String folder = requiredFolder(request, "resume");
            boolean changed = handler.resume(folder);
            return json.createObjectNode().put("folder", folder).put("paused", false).put("changed", changed);
        }
    },
    /**
     * {@code {"verb":"accept-deletes","folder":F}} releases F from a mass-delete halt (its deletes
     * propagate) and answers an {@link AcceptDeletesView}: {@code {"folder": F, "accepted": bool,
     * "changed": N}}; {@code accepted} is false when F was not halted for a mass delete.
     */
    ACCEPT_DELETES {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.acceptDeletes(requiredFolder(request, "accept-deletes")));
        }
    },
    /**
     * {@code {"verb":"override","folder":F}} makes this node's tree win F on every member and answers
     * an {@link OverrideView}: {@code {"folder", "members", "replaced", "removed", "absent"}}.
     */
    OVERRIDE {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.override(requiredFolder(request, "override")));
        }
    },
    /**
     * {@code {"verb":"revert","folder":F}} brings receive-only F's local changes back to the
     * cluster's version and answers a {@link RevertView}: {@code {"folder": F, "reverted": N}}.
     */
    REVERT {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.revert(requiredFolder(request, "revert")));
        }
    },
    /**
     * {@code {"verb":"forget","peer":NAME}} drops a retired peer everywhere this node remembers it and
     * answers a {@link ForgetView}: {@code {"peer": NAME, "forgotten": bool, "dirty": N}}; refused for
     * this node and for a current member.
     */
    FORGET {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            JsonNode peer = request.get("peer");
            if (peer == null || !peer.isTextual() || peer.asText().isEmpty()) {
                throw new BadRequest("forget needs \"peer\": a node name");
            }
            return json.valueToTree(handler.forget(peer.asText()));
        }
    },
    /**
     * {@code {"verb":"rekey","local":bool}} replaces this node's session keys (and, unless local,
     * asks every member to replace theirs); answers {@code {"generation": N}}.
     */
    REKEY {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            JsonNode local = request.get("local");
            if (local != null && !local.isNull() && !local.isBoolean()) {
                throw new BadRequest("\"local\" must be true or false");
            }
            int generation = handler.rekey(local == null || !local.asBoolean());
            return json.createObjectNode().put("generation", generation);
        }
    },
    /**
     * {@code {"verb":"diff","folder":F,"peer":N,"paths":[...]}} (all optional) answers a
     * {@link DiffView}: where this node's index and the peers' differ.
     */
    DIFF {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.diff(folder(request), peer(request), paths(request)));
        }
    },
    /**
     * {@code {"verb":"diff-content","folder":F,"peer":N,"paths":[P]}} (peer optional) answers an
     * array of {@link ContentDiffView}: the text of P here and on each peer.
     */
    DIFF_CONTENT {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String folder = requiredFolder(request, "diff-content");
            List<String> paths = paths(request);
            if (paths.size() != 1) {
                throw new BadRequest("diff-content needs one path in \"paths\"");
            }
            return json.valueToTree(handler.diffContent(folder, peer(request), paths.get(0)));
        }
    },
    /**
     * {@code {"verb":"reload"}} re-reads the configuration file and answers a {@link ReloadView}:
     * {@code {"applied": [...], "needsRestart": [...]}}.
     */
    RELOAD {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json) throws ControlException {
            return json.valueToTree(handler.reload());
        }
    },
    /**
     * {@code {"verb":"versions","folder":F,"path":P}} (folder optional when P is absolute or the node
     * has one folder) answers a {@link VersionsView}: {@code {"folder", "path", "versions": [{"id",
     * "keptAt", "size", "mtime", "mode", "uid", "gid", "hash", "replacedBy", "deleted"}...]}}, newest first.
     */
    VERSIONS {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            return json.valueToTree(handler.versions(folder(request), text(request, "path", true)));
        }
    },
    /**
     * {@code {"verb":"restore","folder":F,"path":P,"version":ID}} or {@code ...,"atMs":T}} (exactly one
     * of them) writes a kept version back and answers a {@link RestoreView}: {@code {"folder",
     * "path", "version"}}.
     */
    RESTORE {
        @Override
        JsonNode answer(ControlHandler handler, JsonNode request, ObjectMapper json)
                throws BadRequest, ControlException {
            String id = text(request, "version", false);
            JsonNode at = request.get("atMs");
            boolean hasAt = at != null && !at.isNull();
            if ((id == null) == !hasAt) {
                throw new BadRequest("restore needs exactly one of \"version\" and \"atMs\"");
            }
            if (hasAt && !at.isIntegralNumber()) {
                throw new BadRequest("\"atMs\" must be an integer (epoch milliseconds)");
            }
            return json.valueToTree(handler.restore(folder(request), text(request, "path", true), id,
                    hasAt ? at.asLong() : null));
        }
    };

    /** How many remaining dirty entries a not-converged {@code sync} answer lists. */
    public static final int SAMPLE = 20;

    static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(60);

    /** The verb as written in requests: lower case, words joined by '-' ({@code accept-deletes}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
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

    private static String text(JsonNode request, String name, boolean required) throws BadRequest {
        JsonNode v = request.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("\"" + name + "\" is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new BadRequest("\"" + name + "\" must be a non-empty string");
        }
        return v.asText();
    }

    private static String requiredFolder(JsonNode request, String verb) throws BadRequest {
        String folder = folder(request);
        if (folder == null) {
            throw new BadRequest(verb + " needs \"folder\"");
        }
        return folder;
    }

    private static String peer(JsonNode request) throws BadRequest {
        JsonNode peer = request.get("peer");
        if (peer == null || peer.isNull()) {
            return null;
        }
        if (!peer.isTextual() || peer.asText().isEmpty()) {
            throw new BadRequest("\"peer\" must be a non-empty string");
        }
        return peer.asText();
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

    private static boolean flag(JsonNode request, String name) throws BadRequest {
        JsonNode flag = request.get(name);
        if (flag == null || flag.isNull()) {
            return false;
        }
        if (!flag.isBoolean()) {
            throw new BadRequest("\"" + name + "\" must be true or false");
        }
        return flag.asBoolean();
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
