package io.syncnode.node.apply;

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
}
