package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an apply leaves behind when something raced it: a directory this node made for children
 * whose own record then came as a delete, and a temp file whose directory a user renamed before the
 * temp was renamed over its target. Found by ChaosIT.
 */
class ApplierLeftoversTest {
    @TempDir
    Path root;

    @Test
    void aPlaceholderDirectoryIsDeletedByItsTombstone() throws Exception {
        Applier applier = new Applier(root);
        applier.ensureParent("d/e/f.txt"); // a child arrived before its directories' records
        assertTrue(applier.isPlaceholder("d/e"));

        applier.delete("d/e", null); // the directory's record: deleted on the other nodes
        assertFalse(Files.exists(root.resolve("d/e")), "the empty placeholder is gone");
        assertFalse(applier.isPlaceholder("d/e"));
    }

    @Test
    void aPlaceholderThatGotEntriesIsKept() throws Exception {
        Applier applier = new Applier(root);
        applier.ensureParent("d/e/f.txt");
        Files.writeString(root.resolve("d/e/local.txt"), "written here meanwhile");

        assertThrows(DirectoryNotEmptyException.class, () -> applier.delete("d/e", null));
        assertTrue(Files.exists(root.resolve("d/e/local.txt")), "nothing of the user's is removed");
    }

    @Test
    void aTempFileWhoseDirectoryWasRenamedIsFoundAndRemoved() throws Exception {
        Applier applier = new Applier(root);
        Path temp = applier.createTemp("a/b/file.txt");
        Files.writeString(temp, "half an apply");
        Files.createDirectories(root.resolve("x"));
        Files.move(root.resolve("a/b"), root.resolve("x/renamed")); // a user's rename during the apply

        applier.discardTemp(temp);
        try (Stream<Path> all = Files.walk(root)) {
            assertTrue(all.noneMatch(p -> Applier.isTempName(p.getFileName().toString())),
                    "no temp file is left anywhere in the folder");
        }
        assertTrue(Files.isDirectory(root.resolve("x/renamed")), "the user's directory stays");
    }

    @Test
    void theStartUpSweepToleratesAnythingItFindsAndNeverEmptiesADirectory(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("keep.txt"), "not the folder's");
        Path tempDir = Files.createDirectories(root.resolve("a/.syncnode-tmp.x/y/z"));
        Files.writeString(tempDir.resolve("f"), "under a temp-named directory (an old remote record's)");
        Files.createSymbolicLink(root.resolve("a/.syncnode-tmp.link"), outside);
        Files.createDirectories(root.resolve("b/.syncnode-tmp.empty"));
        Files.writeString(root.resolve("a/.syncnode-tmp.f.1a2b3c"), "a crashed apply's temp file");
        Files.writeString(root.resolve("a/kept.txt"), "the user's");

        int removed = new Applier(root).removeLeftoverTemps(); // before: DirectoryNotEmptyException, no start

        assertEquals(3, removed, "the temp file, the link itself and the empty temp directory");
        assertFalse(Files.exists(root.resolve("a/.syncnode-tmp.f.1a2b3c")));
        assertFalse(Files.exists(root.resolve("a/.syncnode-tmp.link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(root.resolve("b/.syncnode-tmp.empty")));
        assertTrue(Files.exists(tempDir.resolve("f")), "a non-empty temp-named directory is left, not emptied");
        assertTrue(Files.exists(root.resolve("a/kept.txt")));
        assertTrue(Files.exists(outside.resolve("keep.txt")), "nothing behind the symlink was touched");
    }
}
