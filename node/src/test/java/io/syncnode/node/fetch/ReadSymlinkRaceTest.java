package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.os.ConfinedReads;
import io.syncnode.node.scan.DiskEntry;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.scan.FolderWalker;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.testing.ManualScheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read side against a local user who keeps replacing the directory {@code d} of the folder
 * with a symlink to a directory outside it holding secret files under the same names as the
 * folder's own (issue 12, the security audit 2.3.6). Scans (the walk and the entry reader),
 * serving fetches (with the expected signature of the secret, so a check that looks through the
 * symlink passes) and a delta's basis run thousands of times; afterwards no byte of a secret was
 * read into an entry, sent in a chunk or read as a basis, and the walk never listed the outside
 * directory. Before the reads were confined, each of the three read the secrets within a few
 * hundred rounds.
 */
class ReadSymlinkRaceTest {
    private static final int ROUNDS = 3000;
    private static final String MARK = "TOP-SECRET-4f1c9b";

    @TempDir
    Path tmp;

    private final List<byte[]> sent = new ArrayList<>();

    @Test
    @Timeout(300)
    void noByteOfAFileOutsideTheFolderIsReadWhileAParentIsSwappedForASymlink() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("folder"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        byte[] small = (MARK + " shadow\n").getBytes(StandardCharsets.UTF_8);
        byte[] big = (MARK + " key material\n").repeat(25_000).getBytes(StandardCharsets.UTF_8); // 800 KB: chunks
        Files.write(outside.resolve("secret"), small);
        Files.write(outside.resolve("big"), big);
        Files.writeString(outside.resolve("only-outside"), MARK);
        ContentHash smallHash = ContentHash.of(EntryReader.sha256().digest(small));
        ContentHash bigHash = ContentHash.of(EntryReader.sha256().digest(big));
        // what a check that looks through d -> outside sees
        StatSignature bigSig = EntryReader.lstat(outside.resolve("big")).orElseThrow().signature();

        Path d = root.resolve("d");
        fill(d);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        AtomicReference<Throwable> swapperFailed = new AtomicReference<>();
        Thread swapper = new Thread(() -> {
            try {
                Path aside = tmp.resolve("aside"); // the folder's own d while the symlink stands in its place
                while (!done.get()) {
                    Files.move(d, aside, StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(d, outside);
                    swaps.incrementAndGet();
                    Files.move(d, tmp.resolve("link"), StandardCopyOption.ATOMIC_MOVE);
                    Files.move(aside, d, StandardCopyOption.ATOMIC_MOVE);
                    Files.delete(tmp.resolve("link"));
                }
            } catch (Throwable t) {
                swapperFailed.set(t);
            }
        }, "swapper");
        swapper.start();

        ManualScheduler pool = new ManualScheduler();
        TransferSource source = new TransferSource(new Outbox() {
            @Override
            public boolean send(String member, Message message) {
                if (message instanceof Message.FetchData data) {
                    for (Message.DeltaOp op : data.ops()) {
                        if (op instanceof Message.Literal l) {
                            sent.add(l.data());
                        }
                    }
                }
                return true;
            }

            @Override
            public void multicast(Message message) {
            }
        }, pool, (folder, path, hash) -> Optional.of(new TransferSource.Served(root, root.resolve(path), bigSig)),
                (folder, path) -> { }, new AtomicLong());

        EntryReader reader = new EntryReader(64 * 1024);
        List<DiskEntry> entries = new ArrayList<>();
        List<String> walked = new ArrayList<>();
        List<byte[]> bases = new ArrayList<>();
        long leakedEntries = 0;
        long leakedBases = 0;
        long leakedChunks = 0;
        long listedOutside = 0;
        int readOk = 0;
        int refused = 0;
        try {
            for (int i = 0; i < ROUNDS; i++) {
                for (String rel : List.of("d/secret", "d/big")) {
                    try {
                        reader.read(root.resolve(rel), rel).ifPresent(entries::add);
                        readOk++;
                    } catch (IOException e) {
                        refused++; // changed while read: the next scan looks again
                    }
                }
                FolderWalker.walk(root, "", new FolderWalker.Visitor() {
                    @Override
                    public boolean directory(String rel) {
                        walked.add(rel);
                        return true;
                    }

                    @Override
                    public void file(String rel, io.syncnode.node.os.BeneathTree.Held held) throws IOException {
                        walked.add(rel);
                        if (rel.startsWith("d/")) {
                            try {
                                reader.read(root.resolve(rel), rel, held).ifPresent(entries::add); // as a scan reads
                            } catch (EntryReader.ChangedWhileReading e) {
                                // looked at again by the next scan
                            }
                        }
                    }

                    @Override
                    public void unreadable(String rel, IOException e) {
                    }
                });
                source.onRequest("n2", new Message.FetchRequest(i, "web", "d/big", VersionVector.of(Map.of(1L, 1L)),
                        bigHash, null, 64));
                pool.runDue();
                try (ConcatBasis basis = new ConcatBasis(List.of(root.resolve("d/secret"), root.resolve("d/big")),
                        f -> ConfinedReads.openRegular(root, f)); InputStream in = basis.stream()) {
                    bases.add(in.readAllBytes());
                } catch (IOException e) {
                    refused++; // a basis file not reachable inside the folder: the fetch goes on without it
                }
                leakedEntries += entries.stream().filter(e -> leaks(e, smallHash, bigHash)).count();
                leakedBases += bases.stream().filter(ReadSymlinkRaceTest::contains).count();
                leakedChunks += sent.stream().filter(ReadSymlinkRaceTest::contains).count();
                listedOutside += walked.stream().filter(p -> p.contains("only-outside")).count();
                entries.clear();
                bases.clear();
                sent.clear();
                walked.clear();
            }
        } finally {
            done.set(true);
            swapper.join();
        }
        assertEquals("0 entries, 0 names listed, 0 bases, 0 chunks", leakedEntries + " entries, " + listedOutside
                + " names listed, " + leakedBases + " bases, " + leakedChunks + " chunks",
                "read from outside the folder in " + ROUNDS + " rounds");
        assertEquals(null, swapperFailed.get());
        assertTrue(swaps.get() > 100, "the swapper made d a symlink " + swaps.get() + " times");
        assertTrue(readOk > 0 && refused > 0, readOk + " reads, " + refused + " refused");
        assertFalse(Files.readString(outside.resolve("secret")).isEmpty());
    }

    private static boolean leaks(DiskEntry e, ContentHash smallHash, ContentHash bigHash) {
        return smallHash.equals(e.hash()) || bigHash.equals(e.hash()) || e.inline() != null && contains(e.inline());
    }

    private static boolean contains(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(MARK);
    }

    /** d as the folder's own directory: files of the same names as outside, harmless content. */
    private static void fill(Path d) throws IOException {
        Files.createDirectory(d);
        Files.writeString(d.resolve("secret"), "the folder's own small file\n");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 20_000; i++) {
            b.writeBytes(("the folder's own line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.write(d.resolve("big"), b.toByteArray());
    }
}
