package io.syncnode.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.opentest4j.TestAbortedException;

/**
 * A node's folder on a small file system of its own, which a test can fill up: a tmpfs of
 * {@code mb} MiB mounted at {@code <nodeHome>/fs}, whose directory {@code fs/data} is bind-mounted
 * over the node's folder {@code <nodeHome>/data} (mount it before the node starts). {@link #fill}
 * writes a filler file {@code fs/filler} (on the same file system, outside the folder tree) until
 * the file system is full; {@link #free} removes it. {@link #close} unmounts both. Needs root.
 */
final class ChaosDisk implements AutoCloseable {
    private final Path fs;
    private final Path folder;
    private final Path filler;
    private boolean fsMounted;
    private boolean folderMounted;

    private ChaosDisk(Path nodeHome) {
        this.fs = nodeHome.resolve("fs");
        this.folder = nodeHome.resolve("data");
        this.filler = fs.resolve("filler");
    }

    /** Mounts the tmpfs and the folder on it; skips the test (assumption) if the kernel refuses. */
    static ChaosDisk mount(Path nodeHome, int mb) throws IOException {
        ChaosDisk d = new ChaosDisk(nodeHome);
        Files.createDirectories(d.fs);
        Files.createDirectories(d.folder);
        try {
            NetNs.run(true, "mount", "-t", "tmpfs", "-o", "size=" + mb + "m,mode=0755", "tmpfs", d.fs.toString());
            d.fsMounted = true;
            Files.createDirectories(d.fs.resolve("data"));
            NetNs.run(true, "mount", "--bind", d.fs.resolve("data").toString(), d.folder.toString());
            d.folderMounted = true;
        } catch (AssertionError | java.io.UncheckedIOException e) {
            d.close();
            throw new TestAbortedException("cannot mount a tmpfs for the full-disk fault (" + e.getMessage() + "); skipped");
        }
        return d;
    }

    /** Bytes still free on the tmpfs. */
    long usable() throws IOException {
        return Files.getFileStore(fs.resolve("data")).getUsableSpace();
    }

    /** Writes the filler until the file system says it is full; returns the filler's size. */
    long fill() throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (true) {
                chunk.clear();
                ch.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return Files.size(filler);
    }

    /** Removes the filler: the space returns. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() {
        if (folderMounted) {
            NetNs.run(false, "umount", "-l", folder.toString());
            folderMounted = false;
        }
        if (fsMounted) {
            NetNs.run(false, "umount", "-l", fs.toString());
            fsMounted = false;
        }
    }
}
