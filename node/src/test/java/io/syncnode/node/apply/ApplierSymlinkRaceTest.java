package io.syncnode.node.apply;

import static io.syncnode.node.apply.ApplierConfinementTest.of;
import static io.syncnode.node.apply.ApplierConfinementTest.regular;
import static io.syncnode.node.apply.ApplierConfinementTest.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies race a local user who keeps replacing the directory {@code d} inside the folder with a
 * symlink to a directory outside it (and back). Every kind of apply runs through the real
 * {@link Applier}, a bounded number of times, with expected signatures that pass the applier's
 * own checks when they look through the symlink. Afterwards the outside directory must be
 * exactly as before: no entry created, opened for writing, removed, or with other owner, mode,
 * mtime, ctime or xattrs. Each refusal must be a clean IOException (a crash would be any other
 * throwable). Before the confinement ({@code ConfinedFs}) this failed within a few hundred rounds.
 */
class ApplierSymlinkRaceTest {
    private static final int ROUNDS = 3000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(300)
    void nothingOutsideTheFolderChangesWhileAParentIsSwappedForASymlink() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("folder"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        for (String name : new String[] {"f", "h", "x", "victim", "l", "p"}) {
            Files.writeString(outside.resolve(name), "not the folder's: " + name);
        }
        Files.createDirectories(outside.resolve("sub"));
        Files.createDirectories(outside.resolve("old"));
        Map<String, String> before = snapshot(outside);
        // as the applier sees these entries when it looks through d -> outside
        StatSignature x = EntryReader.lstat(outside.resolve("x")).orElseThrow().signature();
        StatSignature victim = EntryReader.lstat(outside.resolve("victim")).orElseThrow().signature();
        StatSignature sub = EntryReader.lstat(outside.resolve("sub")).orElseThrow().signature();
        StatSignature old = EntryReader.lstat(outside.resolve("old")).orElseThrow().signature();

        Applier applier = new Applier(root);
        Path d = root.resolve("d");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        AtomicReference<Throwable> swapperFailed = new AtomicReference<>();
        Thread swapper = new Thread(() -> {
            try {
                while (!done.get()) {
                    removeTree(d);
                    try {
                        Files.createSymbolicLink(d, outside);
                        swaps.incrementAndGet();
                    } catch (IOException e) {
                        continue; // the applier made d meanwhile (a placeholder parent): removed next round
                    }
                    removeTree(d);
                    try {
                        Files.createDirectory(d);
                    } catch (IOException e) {
                        // made meanwhile by the applier
                    }
                }
            } catch (Throwable t) {
                swapperFailed.set(t);
            }
        }, "swapper");
        swapper.start();

        byte[] content = "from a hostile member".getBytes();
        FileRecord file = regular("d/f", content, 04755).withXattrs(io.syncnode.protocol.Xattrs.of(
                Map.of("user.evil", new byte[] {1})));
        int refused = 0;
        int applied = 0;
        try {
            for (int i = 0; i < ROUNDS; i++) {
                Step[] steps = {
                    () -> {
                        Path temp = applier.createTemp("d/f");
                        applier.commitFile("d/f", temp, file, null);
                    },
                    () -> applier.commitFile("d/f", applier.writeTemp("d/f", content), file, null),
                    () -> { // a fetch: temp name on the worker, created and written on a transfer thread, then installed
                        Path temp = applier.tempPathFor("d/f");
                        try (FileChannel ch = applier.openTemp(temp, false)) {
                            ch.write(ByteBuffer.wrap(content));
                        }
                        try (FileChannel ch = applier.openTemp(temp, true)) { // the whole-file retry
                            ch.write(ByteBuffer.wrap(content));
                        }
                        applier.prepare(temp, file);
                        applier.install("d/f", temp, file, null, new ArrayList<>());
                    },
                    () -> applier.applyHardLink("d/h", "d/f", regular("d/h", content, 04755).withHardLink("d/f"), null),
                    () -> applier.applyMetadata("d/x", regular("d/x", new byte[0], 04777), x),
                    () -> applier.delete("d/victim", victim),
                    () -> applier.applySymlink("d/l", of("d/l", FileType.SYMLINK, 0777, "/"), null),
                    () -> applier.applySpecial("d/p", of("d/p", FileType.FIFO, 0666, null), null),
                    () -> applier.applyDirectory("d/sub", of("d/sub", FileType.DIRECTORY, 0777, null), sub),
                    () -> applier.applyDirectory("d/new", of("d/new", FileType.DIRECTORY, 0777, null), null),
                    () -> applier.restoreDirectoryTime("d/old", 1_000_000_000L),
                    () -> applier.delete("d/old", old),
                };
                for (Step step : steps) {
                    try {
                        step.run();
                        applied++;
                    } catch (IOException e) {
                        refused++; // a clean failure of that one path (LocalChangedException included)
                    }
                }
            }
        } finally {
            done.set(true);
            swapper.join();
        }

        assertEquals(null, swapperFailed.get());
        assertTrue(swaps.get() > 100, "the swapper made d a symlink " + swaps.get() + " times");
        assertTrue(refused > 0 && applied > 0, applied + " applied, " + refused + " refused");
        assertEquals(before, snapshot(outside), "nothing outside the folder was created or changed");
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** Removes d, a symlink (the link itself) or a directory with whatever the applies put in it. */
    private static void removeTree(Path d) throws IOException {
        try {
            Files.walkFileTree(d, new SimpleFileVisitor<>() { // never follows links
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // the applier added or removed an entry meanwhile: the next round goes on
        }
    }
}
