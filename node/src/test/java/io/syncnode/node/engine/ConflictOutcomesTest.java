package io.syncnode.node.engine;

import static io.syncnode.node.engine.EngineParts.FOLDER;
import static io.syncnode.node.engine.EngineParts.PEER;
import static io.syncnode.node.engine.EngineParts.SELF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.index.StoredConflict;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ConflictCopyName;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.VersionVector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConflictOutcomes} on a real folder and index: settling an open conflict keeping both puts
 * the newer version at the path and the other beside it as a conflict copy, under a version that
 * dominates both sides; keeping the local version changes no byte.
 */
class ConflictOutcomesTest {
    private static final long OLDER = 1_790_000_000_000_000_000L;
    private static final long NEWER = OLDER + 60_000_000_000L;
    private static final byte[] LOCAL = "this node's version".getBytes(StandardCharsets.UTF_8);
    private static final byte[] REMOTE = "the other node's version".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    private EngineParts parts;
    private ConflictOutcomes outcomes;
    private RemoteApplier remote;

    @BeforeEach
    void build() throws Exception {
        parts = new EngineParts(tmp);
        remote = parts.remoteApplier(ConflictPolicy.MANUAL);
        outcomes = remote.outcomes();
    }

    @AfterEach
    void close() {
        parts.close();
    }

    /** The local version (made by this node at {@code localMtime}) and an open conflict with the peer's. */
    private FileRecord openConflict(long localMtime, long remoteMtime) throws Exception {
        FileRecord mine = parts.file("doc.txt", LOCAL, 0644, localMtime, SELF, 3);
        parts.onWorker(() -> {
            remote.applyUpdate("self", new Message.IndexUpdate(FOLDER, List.of(new Message.Announced(mine, LOCAL)),
                    false, false));
            return null;
        });
        FileRecord theirs = parts.file("doc.txt", REMOTE, 0644, remoteMtime, PEER, 4);
        parts.onWorker(() -> {
            parts.buffer.putConflict(new StoredConflict(FOLDER, theirs, "peer", parts.clock.instant()));
            parts.buffer.flush();
            return null;
        });
        return theirs;
    }

    private Path remoteBytes() throws Exception {
        return Files.write(tmp.resolve("remote.bin"), REMOTE);
    }

    private VersionVector versionNow() {
        return parts.store.get(FOLDER, "doc.txt").orElseThrow().record().version();
    }

    @Test
    void keepBothTheNewerRemoteVersionKeepsTheNameAndTheLocalOneBecomesTheCopy() throws Exception {
        FileRecord theirs = openConflict(OLDER, NEWER);
        Path file = remoteBytes();

        parts.onWorker(() -> {
            outcomes.resolveBoth("doc.txt", file);
            parts.buffer.flush();
            return null;
        });

        assertArrayEquals(REMOTE, Files.readAllBytes(parts.root.resolve("doc.txt")));
        String copy = ConflictCopyName.of("doc.txt", OLDER, "self");
        assertArrayEquals(LOCAL, Files.readAllBytes(parts.root.resolve(copy)));
        assertEquals(List.of(copy), parts.rescans, "the copy is scanned and synced as a new file");
        VersionVector v = versionNow();
        assertEquals(VersionVector.Ordering.AFTER, v.compare(theirs.version()), "dominates the remote side");
        assertTrue(v.compare(VersionVector.of(java.util.Map.of(SELF, 3L))) == VersionVector.Ordering.AFTER);
        assertNull(parts.buffer.conflict("doc.txt"), "settled");
    }

    @Test
    void keepBothTheNewerLocalVersionKeepsTheNameAndTheRemoteOneBecomesTheCopy() throws Exception {
        FileRecord theirs = openConflict(NEWER, OLDER);
        Path file = remoteBytes();

        parts.onWorker(() -> {
            outcomes.resolveBoth("doc.txt", file);
            parts.buffer.flush();
            return null;
        });

        assertArrayEquals(LOCAL, Files.readAllBytes(parts.root.resolve("doc.txt")));
        String copy = ConflictCopyName.of("doc.txt", OLDER, "peer");
        assertArrayEquals(REMOTE, Files.readAllBytes(parts.root.resolve(copy)));
        assertEquals(List.of(copy), parts.rescans);
        assertEquals(VersionVector.Ordering.AFTER, versionNow().compare(theirs.version()));
    }

    @Test
    void keepingTheLocalVersionChangesNoByteAndDominatesBothSides() throws Exception {
        FileRecord theirs = openConflict(OLDER, NEWER);

        parts.onWorker(() -> {
            outcomes.resolveKeepLocal("doc.txt");
            parts.buffer.flush();
            return null;
        });

        assertArrayEquals(LOCAL, Files.readAllBytes(parts.root.resolve("doc.txt")));
        assertEquals(VersionVector.Ordering.AFTER, versionNow().compare(theirs.version()));
        assertEquals(List.of(), parts.rescans, "no copy");
    }
}
