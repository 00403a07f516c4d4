package io.syncnode.node.engine;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.control.ContentDiffView;
import io.syncnode.node.control.ControlHandler;
import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.DiffView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code syncnode diff} on real nodes (real inotify, SQLite, JGroups over SHARED_LOOPBACK): n1 is
 * paused while n0 changes one entry per kind of difference, so n0 and n1 diverge while n0 and n2
 * stay identical. The diff asks the peer over the wire (IndexQuery pages) and must list one line
 * per diverged path with exactly what differs, nothing for the unchanged ones, and nothing at all
 * between n0 and n2.
 */
class DiffClusterTest {
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;
    LocalCluster cluster;
    boolean xattrs;

    @BeforeEach
    void start() throws Exception {
        cluster = new LocalCluster(tmp, 3, List.of());
        for (int i = 0; i < 3; i++) {
            cluster.start(i);
        }
        for (int i = 0; i < 3; i++) {
            int node = i;
            await(T, () -> control(node).status().members().size() == 3, () -> "3 members seen by n" + node);
        }
        Path n0 = cluster.dir(0);
        for (String name : List.of("before", "mode-file", "owned", "old-mtime", "xattr-file", "typed", "to-delete",
                "same")) {
            Files.writeString(n0.resolve(name), "one\n");
        }
        Files.createDirectories(n0.resolve("sub"));
        Files.writeString(n0.resolve("sub/inner"), "inner\n");
        Files.createSymbolicLink(n0.resolve("link"), Path.of("a"));
        await(T, () -> NativeTree.snapshot(n0).equals(NativeTree.snapshot(cluster.dir(1)))
                && NativeTree.snapshot(n0).equals(NativeTree.snapshot(cluster.dir(2))), () -> "identical trees");
        await(T, () -> diffOf(0, "data", null).differences().isEmpty(),
                () -> "no differences before the test: " + diffOf(0, "data", null));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ControlHandler control(int i) {
        return cluster.node(i).controlHandler();
    }

    /** Node i's diff of {@code folder} with {@code peer} (null: every member), for conditions. */
    private DiffView diffOf(int i, String folder, String peer) {
        try {
            return control(i).diff(folder, peer, List.of());
        } catch (ControlException e) {
            throw new AssertionError("diff refused: " + e.getMessage(), e);
        }
    }

    /** Pauses n1 and changes, on n0, one entry per kind of difference. */
    private void diverge() throws Exception {
        assertTrue(control(1).pause("data"));
        Path n0 = cluster.dir(0);
        FileTime kept = Files.getLastModifiedTime(n0.resolve("before"));
        Files.writeString(n0.resolve("before"), "two\n");
        Files.setLastModifiedTime(n0.resolve("before"), kept);
        Files.writeString(n0.resolve("added"), "new\n");
        Files.delete(n0.resolve("to-delete"));
        Files.setPosixFilePermissions(n0.resolve("mode-file"), PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(n0.resolve("owned"), "unix:uid", 1234, LinkOption.NOFOLLOW_LINKS);
        Files.setLastModifiedTime(n0.resolve("old-mtime"), FileTime.fromMillis(1_000_000_000_000L));
        try {
            Files.getFileAttributeView(n0.resolve("xattr-file"), UserDefinedFileAttributeView.class)
                    .write("test", ByteBuffer.wrap(new byte[] {1}));
            xattrs = true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            xattrs = false; // a file system without user xattrs: that kind is covered by IndexDiffTest
        }
        Files.delete(n0.resolve("typed"));
        Files.createDirectory(n0.resolve("typed"));
        Files.delete(n0.resolve("link"));
        Files.createSymbolicLink(n0.resolve("link"), Path.of("b"));
        Files.write(n0.resolve("binary"), new byte[] {'a', 0, 'b'});
        Files.write(n0.resolve("big"), new byte[70_000]);
    }

    private static Map<String, Set<String>> kinds(DiffView view) {
        Map<String, Set<String>> m = new TreeMap<>();
        for (DiffView.Difference d : view.differences()) {
            m.put(d.path(), new TreeSet<>(d.kinds()));
        }
        return m;
    }

    /**
     * The paths n0 changed, once n2 (not paused) agrees with n0 on all of them. One wait for both
     * sides: n0 may index the xattr change after the others, and n2 then differs until it takes it.
     */
    private DiffView settledDiffWithN1() throws ControlException {
        List<String> changed = new java.util.ArrayList<>(List.of("added", "before", "big", "binary", "link",
                "mode-file", "old-mtime", "owned", "to-delete", "typed"));
        if (xattrs) {
            changed.add("xattr-file");
        }
        await(T, () -> kinds(diffOf(0, "data", "n1")).keySet().containsAll(changed)
                        && diffOf(0, "data", "n2").differences().isEmpty(),
                () -> "n0 and n2 identical, n1 diverged: n2 " + diffOf(0, "data", "n2") + "\n n1 "
                        + diffOf(0, "data", "n1"));
        return control(0).diff("data", "n1", List.of());
    }

    @Test
    void listsOneLinePerDivergedPathWithWhatDiffers() throws Exception {
        diverge();
        DiffView view = settledDiffWithN1();
        Map<String, Set<String>> kinds = kinds(view);
        assertEquals(Set.of("missing-there"), kinds.get("added"));
        assertEquals(Set.of("missing-here"), kinds.get("to-delete"), "n0 deleted it: n0 lacks what n1 has");
        assertEquals(Set.of("content"), kinds.get("before"), "content only: the mtime was set back");
        assertEquals(Set.of("mode"), kinds.get("mode-file"));
        assertEquals(Set.of("owner"), kinds.get("owned"));
        assertEquals(Set.of("mtime"), kinds.get("old-mtime"));
        assertEquals(Set.of("type"), kinds.get("typed"));
        assertTrue(kinds.get("link").contains("target"), kinds.toString());
        if (xattrs) {
            assertEquals(Set.of("xattrs"), kinds.get("xattr-file"));
        }
        Set<String> expected = new TreeSet<>(List.of("added", "before", "big", "binary", "link", "mode-file",
                "old-mtime", "owned", "to-delete", "typed"));
        if (xattrs) {
            expected.add("xattr-file");
        }
        Set<String> listed = new TreeSet<>(kinds.keySet());
        listed.remove("."); // the root's mtime moved with the entries n0 added and removed
        assertEquals(expected, listed, "one line per diverged path, none for same, sub, sub/inner: " + kinds);
        DiffView.Difference owned = view.differences().stream().filter(d -> d.path().equals("owned")).findFirst()
                .orElseThrow();
        assertEquals(1234, owned.here().uid());
        assertEquals(0, owned.there().uid());
        DiffView.Difference added = view.differences().stream().filter(d -> d.path().equals("added")).findFirst()
                .orElseThrow();
        assertNull(added.there());
        assertEquals("n1", added.peer());
        assertEquals(1, view.compared().size());
        assertEquals("n1", view.compared().get(0).peer());

        // identical pair: nothing listed (the CLI exits 0)
        assertTrue(control(0).diff("data", "n2", List.of()).differences().isEmpty());
        // every member by default: only n1's lines
        Set<String> peers = control(0).diff(null, null, List.of()).differences().stream().map(DiffView.Difference::peer)
                .collect(Collectors.toSet());
        assertEquals(Set.of("n1"), peers);
        // limited to paths (a directory with what is below it)
        assertEquals(Set.of("mode-file", "typed"), kinds(control(0).diff("data", "n1", List.of("mode-file", "typed",
                "sub"))).keySet());
        // the paused node asks too, and sees the mirror image
        Map<String, Set<String>> fromN1 = kinds(control(1).diff("data", "n0", List.of("added", "to-delete")));
        assertEquals(Map.of("added", Set.of("missing-here"), "to-delete", Set.of("missing-there")), fromN1);
    }

    @Test
    void contentOfATextFileFromBothSidesAndRefusals() throws Exception {
        diverge();
        settledDiffWithN1();
        List<ContentDiffView> before = control(0).diffContent("data", "n1", "before");
        assertEquals(1, before.size());
        assertEquals("two\n", before.get(0).here());
        assertEquals("one\n", before.get(0).there());
        ContentDiffView added = control(0).diffContent("data", "n1", "added").get(0);
        assertEquals("new\n", added.here());
        assertNull(added.there(), "missing on n1");
        assertEquals("one\n", control(0).diffContent("data", "n2", "same").get(0).there());

        ControlException binary = assertThrows(ControlException.class,
                () -> control(0).diffContent("data", "n1", "binary"));
        assertTrue(binary.getMessage().contains("binary on n0 is a binary file"), binary.getMessage());
        ControlException big = assertThrows(ControlException.class, () -> control(0).diffContent("data", "n1", "big"));
        assertTrue(big.getMessage().contains("has 70000 bytes"), big.getMessage());
        ControlException dir = assertThrows(ControlException.class,
                () -> control(0).diffContent("data", "n1", "typed"));
        assertTrue(dir.getMessage().contains("typed on n0 is a dir"), dir.getMessage());
    }

    @Test
    void refusesWhatCannotBeCompared() {
        ControlException stranger = assertThrows(ControlException.class,
                () -> control(0).diff("data", "nobody", List.of()));
        assertTrue(stranger.getMessage().contains("'nobody' is not a member of the cluster now"), stranger.getMessage());
        ControlException self = assertThrows(ControlException.class, () -> control(0).diff("data", "n0", List.of()));
        assertTrue(self.getMessage().contains("is this node"), self.getMessage());
        ControlException folder = assertThrows(ControlException.class, () -> control(0).diff("nope", null, List.of()));
        assertTrue(folder.getMessage().contains("no folder named \"nope\""), folder.getMessage());
        ControlException escape = assertThrows(ControlException.class,
                () -> control(0).diff("data", "n1", List.of("../etc")));
        assertTrue(escape.getMessage().contains("path \"../etc\""), escape.getMessage());
        assertEquals("one\n".getBytes(StandardCharsets.UTF_8).length, 4);
    }
}
