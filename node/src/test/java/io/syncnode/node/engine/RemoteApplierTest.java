package io.syncnode.node.engine;

import static io.syncnode.node.engine.EngineParts.FOLDER;
import static io.syncnode.node.engine.EngineParts.PEER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.apply.Applier;
import io.syncnode.node.index.StoredFile;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.ConflictPolicy;
import io.syncnode.protocol.FileRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RemoteApplier} built directly on a real folder, index and applier: announced records are
 * applied by the content route the protocol picks (inline, a local copy, metadata only), recorded
 * in the index and acknowledged, and a bad inline content is a per-file problem, not a write.
 */
class RemoteApplierTest {
    private static final long T = 1_790_000_000_000_000_000L;

    @TempDir
    Path tmp;
    private EngineParts parts;
    private RemoteApplier remote;

    @BeforeEach
    void build() throws Exception {
        parts = new EngineParts(tmp);
        remote = parts.remoteApplier(ConflictPolicy.NEWEST);
    }

    @AfterEach
    void close() {
        parts.close();
    }

    private void announce(Message.Announced... records) throws Exception {
        parts.onWorker(() -> {
            remote.applyUpdate("peer", new Message.IndexUpdate(FOLDER, List.of(records), false, false));
            return null;
        });
    }

    private StoredFile indexed(String path) {
        return parts.store.get(FOLDER, path).orElseThrow(() -> new AssertionError(path + " is not in the index"));
    }

    private boolean acknowledged(String path) {
        return parts.sent.stream().anyMatch(m -> m instanceof Message.Ack a
                && a.entries().stream().anyMatch(e -> e.path().equals(path)));
    }

    @Test
    void inlineContentIsInstalledRecordedAndAcknowledged() throws Exception {
        byte[] content = "small file, carried inline".getBytes(StandardCharsets.UTF_8);
        FileRecord r = parts.file("a.txt", content, 0640, T, PEER, 5);

        announce(new Message.Announced(r, content));

        Path a = parts.root.resolve("a.txt");
        assertArrayEquals(content, Files.readAllBytes(a));
        assertEquals(0640, (Integer) Files.getAttribute(a, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        assertEquals(r.version(), indexed("a.txt").record().version());
        assertTrue(acknowledged("a.txt"), "the sender learns this node has its version");
        assertEquals(1, parts.counters.filesApplied.get());
        assertEquals(0, parts.problems.size());
    }

    @Test
    void aBatchOfInlineFilesAcrossDirectoriesIsInstalledRecordedAndLeavesNoJournal() throws Exception {
        installsABatch(24); // each file and directory fsynced
    }

    @Test
    void aLargeBatchIsInstalledTheSameWithItsFileSystemSyncedTogether() throws Exception {
        // one syncfs before the renames, one after; the temp files written by one task per directory
        installsABatch(StagedInstalls.SYNC_TOGETHER_AT + 6);
    }

    @Test
    void aLargeBatchInOneDirectoryIsInstalledTheSame() throws Exception {
        installsABatch(StagedInstalls.SYNC_TOGETHER_AT + 6, 1); // its temp files written on the worker itself
    }

    private void installsABatch(int n) throws Exception {
        installsABatch(n, 6);
    }

    private void installsABatch(int n, int dirs) throws Exception {
        List<Message.Announced> batch = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] content = ("file " + i).getBytes(StandardCharsets.UTF_8);
            batch.add(new Message.Announced(parts.file("d" + i % dirs + "/f" + i, content, 0644, T, PEER, 5), content));
        }

        announce(batch.toArray(Message.Announced[]::new));

        for (int i = 0; i < n; i++) {
            String rel = "d" + i % dirs + "/f" + i;
            assertArrayEquals(("file " + i).getBytes(StandardCharsets.UTF_8), Files.readAllBytes(parts.root.resolve(rel)));
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(parts.root.resolve(rel), LinkOption.NOFOLLOW_LINKS)));
            assertEquals(batch.get(i).record().version(), indexed(rel).record().version());
            assertTrue(acknowledged(rel), rel + " acknowledged");
        }
        assertEquals(List.of(), parts.store.intents(FOLDER), "the batch's journal rows went with its index commit");
        assertEquals(n, parts.counters.filesApplied.get());
        try (var names = Files.list(parts.root.resolve("d0"))) {
            assertEquals(List.of(), names.map(p -> p.getFileName().toString()).filter(Applier::isTempName).toList(),
                    "no temp file left");
        }
        assertEquals(0, parts.problems.size());
    }

    @Test
    void contentOfAnotherLocalFileIsCopiedNotFetched() throws Exception {
        byte[] content = "the same bytes under two names".getBytes(StandardCharsets.UTF_8);
        announce(new Message.Announced(parts.file("a.txt", content, 0644, T, PEER, 5), content));

        // no inline content and no fetcher: only a local copy can apply it without a problem
        announce(new Message.Announced(parts.file("b.txt", content, 0644, T, PEER, 6), null));

        assertArrayEquals(content, Files.readAllBytes(parts.root.resolve("b.txt")));
        assertEquals(0, parts.problems.size(), "nothing was fetched");
        assertEquals(2, parts.counters.filesApplied.get());
        assertTrue(acknowledged("b.txt"));
    }

    @Test
    void sameContentWithOtherMetadataChangesOnlyTheMetadata() throws Exception {
        byte[] content = "unchanged content".getBytes(StandardCharsets.UTF_8);
        announce(new Message.Announced(parts.file("a.txt", content, 0644, T, PEER, 5), content));
        Path a = parts.root.resolve("a.txt");
        Object inode = Files.getAttribute(a, "unix:ino", LinkOption.NOFOLLOW_LINKS);

        FileRecord chmod = parts.file("a.txt", content, 0600, T, PEER, 6);
        announce(new Message.Announced(chmod, null));

        assertEquals(0600, (Integer) Files.getAttribute(a, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
        assertEquals(inode, Files.getAttribute(a, "unix:ino", LinkOption.NOFOLLOW_LINKS), "not rewritten");
        assertEquals(chmod.version(), indexed("a.txt").record().version());
    }

    @Test
    void inlineContentThatDoesNotMatchItsHashIsAProblemNotAWrite() throws Exception {
        byte[] content = "what the record describes".getBytes(StandardCharsets.UTF_8);
        FileRecord r = parts.file("a.txt", content, 0644, T, PEER, 5);

        announce(new Message.Announced(r, "something else entirely!".getBytes(StandardCharsets.UTF_8)));

        assertFalse(Files.exists(parts.root.resolve("a.txt")));
        assertTrue(parts.store.get(FOLDER, "a.txt").isEmpty());
        assertEquals(new Problems.Problem(Problems.Kind.APPLY_FAILED,
                "apply failed: inline content of a.txt does not match its hash; not applied"), parts.problems.of("a.txt"));
        assertFalse(acknowledged("a.txt"), "the sender keeps it dirty and offers it again");
    }

    @Test
    void aLaterApplyClearsTheProblem() throws Exception {
        byte[] content = "retried".getBytes(StandardCharsets.UTF_8);
        FileRecord r = parts.file("a.txt", content, 0644, T, PEER, 5);
        announce(new Message.Announced(r, "bad".getBytes(StandardCharsets.UTF_8)));

        announce(new Message.Announced(r, content));

        assertNull(parts.problems.of("a.txt"));
        assertArrayEquals(content, Files.readAllBytes(parts.root.resolve("a.txt")));
    }
}
