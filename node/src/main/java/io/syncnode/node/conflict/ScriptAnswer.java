package io.syncnode.node.conflict;

import java.nio.file.Path;

/** What a conflict script decided (the first line of its stdout), or why it decided nothing. */
public sealed interface ScriptAnswer {
    record KeepLocal() implements ScriptAnswer {
    }

    record KeepRemote() implements ScriptAnswer {
    }

    /** Keep both: the newer version keeps the path, the other becomes a conflict copy. */
    record KeepBoth() implements ScriptAnswer {
    }

    /** The merged content is in {@code output}. */
    record Merged(Path output) implements ScriptAnswer {
    }

    /** No usable answer (exit status, timeout, unknown answer, missing output): the conflict stays open. */
    record Failed(String reason) implements ScriptAnswer {
    }
}
