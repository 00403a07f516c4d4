package io.syncnode.node.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VersionStore} on real directories: a hard link when it is safe, a copy when the file has
 * another name, never through a symlink (the entry or a parent), the sidecar's metadata, and what a
 * restart finds (interrupted keeps removed).
 */
class VersionStoreTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;
    Path dir;
    Applier applier;
    VersionStore store;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("folder"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("f"), "not the folder's");
        dir = tmp.resolve("state/versions/data");
        applier = new Applier(root);
        store = new VersionStore(dir);
    }

    private Optional<KeptVersion> keep(String rel, long now) throws IOException {
        return store.keep(applier, rel, root.resolve(rel), "ab".repeat(32), "{1=5}", "n0", false, now);
    }

    private List<String> storeFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFileWithOneNameIsKeptAsAHardLinkThatOutlivesTheReplace() throws IOException {
        Path f = root.resolve("a.txt");
        Files.writeString(f, "old");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        KeptVersion k = keep("a.txt", 1_800_000_000_123L).orElseThrow();
        assertTrue(k.linked());
        assertEquals("20270115-080000-123", k.id());
        assertEquals(0640, k.mode());
        assertEquals(3, k.size());
        assertEquals("n0", k.replacedBy());
        Path tmpNew = root.resolve("new");
        Files.writeString(tmpNew, "new content");
        Files.move(tmpNew, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING); // as an apply does: rename over
        assertEquals("old", Files.readString(store.content(k)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals(List.of(k.id(), k.id() + ".json"), storeFiles());
        assertEquals(List.of(k), store.of("a.txt"));
    }

    @Test
    void aFileWithAnotherNameIsCopiedSoThatEditsOfThatNameDoNotReachIt() throws IOException {
        Path f = root.resolve("a");
        Files.writeString(f, "shared");
        Files.createLink(root.resolve("b"), f);
        KeptVersion k = keep("a", 1000).orElseThrow();
        assertFalse(k.linked(), "a link would change when b is written in place");
        Files.writeString(root.resolve("b"), "edited in place");
        assertEquals("shared", Files.readString(store.content(k)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.content(k))));
        assertEquals(1, (int) Files.getAttribute(store.content(k), "unix:nlink"));
    }

    @Test
    void aSymlinkIsNeverKeptNorFollowed() throws IOException {
        Files.createSymbolicLink(root.resolve("l"), outside.resolve("f"));
        assertEquals(Optional.empty(), keep("l", 1000));
        assertEquals(List.of(), storeFiles());
        assertEquals("not the folder's", Files.readString(outside.resolve("f")));
    }

    @Test
    void aParentSwappedForASymlinkIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("sub"), outside);
        assertThrows(IOException.class, () -> keep("sub/f", 1000));
        assertEquals(List.of(), storeFiles(), "nothing of the outside file is kept");
        assertEquals(1, (int) Files.getAttribute(outside.resolve("f"), "unix:nlink"), "no link to it either");
    }

    @Test
    void aRestartFindsTheVersionsAndDropsInterruptedKeeps() throws IOException {
        Files.writeString(root.resolve("a"), "one");
        KeptVersion first = keep("a", 1000).orElseThrow();
        Files.writeString(root.resolve("b"), "two");
        KeptVersion second = keep("b", 2000).orElseThrow();
        Files.writeString(dir.resolve("19700101-000003-000.part"), "half");
        Files.writeString(dir.resolve("19700101-000004-000"), "content without sidecar");
        Files.delete(store.content(second)); // a sidecar whose content is gone
        VersionStore again = new VersionStore(dir);
        assertEquals(List.of(first), again.all());
        assertEquals(List.of(first.id(), first.id() + ".json"), storeFiles());
        again.remove(first.id());
        assertEquals(List.of(), storeFiles());
        assertEquals(0, again.totals()[0]);
    }

    @Test
    void twoVersionsInOneMillisecondGetDistinctIds() throws IOException {
        Files.writeString(root.resolve("a"), "x");
        String one = keep("a", 5000).orElseThrow().id();
        String two = keep("a", 5000).orElseThrow().id();
        assertEquals(one + "-1", two);
        assertEquals(List.of(two, one), store.of("a").stream().map(KeptVersion::id).toList(), "newest first");
        assertTrue(Files.exists(store.content(store.byId(two).orElseThrow()), LinkOption.NOFOLLOW_LINKS));
    }
}
