package io.syncnode.node.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.BeneathTree;
import io.syncnode.node.os.LibC;
import io.syncnode.node.os.NativeFs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan reads each entry through the directory its walk holds open ({@link EntryReader#read(Path,
 * String, BeneathTree.Held)}): the same entry as a read from the root, for every kind.
 */
class HeldReadTest {
    @TempDir
    Path root;

    @Test
    void everyKindReadThroughTheWalksDirectoryEqualsTheReadFromTheRoot() throws IOException {
        Files.createDirectories(root.resolve("d/e"));
        Files.writeString(root.resolve("d/small"), "small content");
        Files.write(root.resolve("d/e/big"), new byte[200_000]); // over the inline limit: hashed in chunks
        Files.writeString(root.resolve("d/empty"), "");
        Files.createSymbolicLink(root.resolve("d/link"), Path.of("small"));
        NativeFs.mknod(root.resolve("d/fifo"), LibC.S_IFIFO | 0600, 0);
        NativeFs.setXattr(root.resolve("d/small"), "user.note", "kept".getBytes(StandardCharsets.UTF_8));
        EntryReader reader = new EntryReader(64 * 1024);
        Map<String, Optional<DiskEntry>> held = new TreeMap<>();
        FolderWalker.walk(root, "", new FolderWalker.Visitor() {
            @Override
            public boolean directory(String rel) {
                return true;
            }

            @Override
            public void file(String rel, BeneathTree.Held h) throws IOException {
                assertNotNull(h, rel + " was found in a held directory");
                held.put(rel, reader.read(root.resolve(rel), rel, h));
            }

            @Override
            public void unreadable(String rel, IOException e) {
                throw new AssertionError(rel, e);
            }
        });
        assertEquals(java.util.Set.of("d/small", "d/e/big", "d/empty", "d/link", "d/fifo"), held.keySet());
        for (Map.Entry<String, Optional<DiskEntry>> e : held.entrySet()) {
            DiskEntry viaRoot = reader.read(root.resolve(e.getKey()), e.getKey()).orElseThrow();
            DiskEntry viaHeld = e.getValue().orElseThrow();
            assertEquals(viaRoot.hash(), viaHeld.hash(), e.getKey());
            assertEquals(viaRoot.stat(), viaHeld.stat(), e.getKey());
            assertEquals(viaRoot.xattrs(), viaHeld.xattrs(), e.getKey());
            assertEquals(viaRoot.size(), viaHeld.size(), e.getKey());
            assertTrue(java.util.Arrays.equals(viaRoot.inline(), viaHeld.inline()), e.getKey());
            assertEquals(viaRoot.symlinkTarget(), viaHeld.symlinkTarget(), e.getKey());
        }
        assertEquals(200_000, held.get("d/e/big").orElseThrow().size());
        assertNull(held.get("d/e/big").orElseThrow().inline());
        assertEquals("small content", new String(held.get("d/small").orElseThrow().inline(), StandardCharsets.UTF_8));
    }

    @Test
    void aFileChangedOrRemovedAfterTheWalksLstatIsNotTakenAsItWas() throws IOException {
        Files.writeString(root.resolve("f"), "before");
        EntryReader reader = new EntryReader(64 * 1024);
        int[] refused = {0};
        FolderWalker.walk(root, "", new FolderWalker.Visitor() {
            @Override
            public boolean directory(String rel) {
                return true;
            }

            @Override
            public void file(String rel, BeneathTree.Held h) throws IOException {
                Files.writeString(root.resolve(rel), "after, longer"); // between the walk's lstat and the read
                assertThrows(EntryReader.ChangedWhileReading.class, () -> reader.read(root.resolve(rel), rel, h));
                refused[0]++;
                Files.delete(root.resolve(rel));
                assertEquals(Optional.empty(), reader.read(root.resolve(rel), rel, h), "gone: no entry");
            }

            @Override
            public void unreadable(String rel, IOException e) {
                throw new AssertionError(rel, e);
            }
        });
        assertEquals(1, refused[0]);
    }
}
