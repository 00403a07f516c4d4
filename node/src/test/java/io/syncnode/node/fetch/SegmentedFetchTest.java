package io.syncnode.node.fetch;

import static io.syncnode.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.Outbox;
import io.syncnode.node.wire.RecordingOutbox;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import io.syncnode.protocol.delta.BlockSize;
import io.syncnode.protocol.delta.SegmentSums;
import io.syncnode.protocol.delta.SignatureBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segmented delta between a real {@link Fetcher} and a real {@link TransferSource} over real
 * files (PROTOCOL.md 5.6), their messages passed in memory: a basis of 4 MiB or more goes as
 * segment sums, the source asks for the block signatures of the segments around the change only,
 * and the rebuilt file is the source's. Each side refuses what the other may not send: a
 * {@code FetchNeed} out of turn or beyond the basis, a {@code FetchBasis} that does not describe
 * the segments asked for.
 */
class SegmentedFetchTest {
    private static final int SIZE = 6 << 20;
    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private final ExecutorService io = Executors.newFixedThreadPool(2);
    private final ExecutorService serving = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Message> toSource = new CopyOnWriteArrayList<>();
    private final List<Message> toReceiver = new CopyOnWriteArrayList<>();
    private final AtomicLong fetched = new AtomicLong();
    private Fetcher fetcher;
    private TransferSource source;

    @AfterEach
    void stop() throws InterruptedException {
        io.shutdownNow();
        serving.shutdownNow();
        timer.shutdownNow();
        assertTrue(io.awaitTermination(10, TimeUnit.SECONDS));
        assertTrue(serving.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Wires a fetcher (member "r") and a source (member "s") serving {@code file} below {@code root}. */
    private void wire(Path root, Path file, boolean receiverAnswers) throws Exception {
        StatSignature stat = EntryReader.lstat(file).orElseThrow().signature();
        fetcher = new Fetcher(new Outbox() {
            @Override
            public boolean send(String member, Message m) {
                toSource.add(m);
                if (m instanceof Message.FetchRequest r) {
                    source.onRequest("r", r);
                } else if (m instanceof Message.FetchCredit c) {
                    source.onCredit("r", c);
                } else if (m instanceof Message.FetchBasis b && receiverAnswers) {
                    source.onBasis("r", b);
                } else if (m instanceof Message.FetchAbort a) {
                    source.onAbort("r", a);
                }
                return true;
            }

            @Override
            public void multicast(Message message) {
            }
        }, io, timer, fetched);
        source = new TransferSource(new Outbox() {
            @Override
            public boolean send(String member, Message m) {
                toReceiver.add(m);
                if (m instanceof Message.FetchData d) {
                    fetcher.onData("s", d);
                } else if (m instanceof Message.FetchNeed n) {
                    fetcher.onNeed("s", n);
                } else if (m instanceof Message.FetchAbort a) {
                    fetcher.onAbort("s", a);
                }
                return true;
            }

            @Override
            public void multicast(Message message) {
            }
        }, serving, (folder, path, hash) -> Optional.of(new TransferSource.Served(root, file, stat)),
                (folder, path) -> { }, new AtomicLong());
    }

    private static FileRecord record(byte[] content) {
        return new FileRecord("big.bin", FileType.REGULAR, 0644, 0, 0, 1L, content.length,
                ContentHash.of(EntryReader.sha256().digest(content)), null, 0, VersionVector.of(Map.of(7L, 1L)),
                false, 7L);
    }

    private <T extends Message> List<T> sent(List<Message> log, Class<T> kind) {
        return log.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    @Test
    void anOverwriteIsFetchedWithTheSignatureOfTheSegmentsAroundItOnly() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src"));
        byte[] old = random(SIZE, 1);
        byte[] now = old.clone();
        System.arraycopy(random(10_000, 2), 0, now, SIZE / 2 + 333, 10_000);
        Path file = Files.write(root.resolve("big.bin"), now);
        Path basis = Files.write(tmp.resolve("old.bin"), old);
        wire(root, file, true);

        Path temp = tmp.resolve("big.bin.tmp");
        Path got = fetcher.fetch("s", "web", record(now), temp, List.of(basis)).get(30, TimeUnit.SECONDS);
        assertArrayEquals(now, Files.readAllBytes(got));

        Message.FetchRequest request = sent(toSource, Message.FetchRequest.class).get(0);
        assertNull(request.basis(), "no signature of every block");
        assertNotNull(request.segments());
        int blockSize = BlockSize.forLength(SIZE);
        assertEquals(blockSize, request.segments().blockSize());
        List<Message.FetchNeed> needs = sent(toReceiver, Message.FetchNeed.class);
        assertEquals(1, needs.size(), "one round trip for the block signatures");
        assertTrue(needs.get(0).segments().cardinality() <= 4, "the segments around the change: "
                + needs.get(0).segments());
        List<Message.FetchBasis> answers = sent(toSource, Message.FetchBasis.class);
        assertEquals(1, answers.size());
        assertTrue(answers.get(0).basis().blockCount() <= 4 * SegmentSums.SEGMENT_BLOCKS);
        assertTrue(fetched.get() >= 10_000 && fetched.get() <= 10_000 + 2L * blockSize,
                "literal bytes: " + fetched.get());
    }

    @Test
    void aFileThatOnlyGrewIsFetchedAsItsNewBytes() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src"));
        byte[] old = random(SIZE, 3);
        byte[] now = java.util.Arrays.copyOf(old, SIZE + 4096);
        System.arraycopy(random(4096, 4), 0, now, SIZE, 4096);
        Path file = Files.write(root.resolve("big.bin"), now);
        Path basis = Files.write(tmp.resolve("old.bin"), old);
        wire(root, file, true);

        Path got = fetcher.fetch("s", "web", record(now), tmp.resolve("t"), List.of(basis)).get(30, TimeUnit.SECONDS);
        assertArrayEquals(now, Files.readAllBytes(got));
        // 6 MiB is not a whole number of segments (64 blocks of 2,512 bytes): the short last one is
        // asked for with its neighbour; a whole number of them would need no round trip (SegmentMatchTest)
        int segments = (int) ((SIZE - 1) / (BlockSize.forLength(SIZE) * (long) SegmentSums.SEGMENT_BLOCKS) + 1);
        BitSet lastTwo = new BitSet();
        lastTwo.set(segments - 2, segments);
        assertEquals(List.of(lastTwo), sent(toReceiver, Message.FetchNeed.class).stream()
                .map(Message.FetchNeed::segments).toList());
        assertTrue(fetched.get() >= 4096 && fetched.get() <= 4096 + BlockSize.forLength(SIZE),
                "the new bytes (and the old short last block): " + fetched.get());
    }

    @Test
    void aFetchNeedBeyondTheBasisOrOutOfTurnEndsTheTransfer() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src"));
        byte[] old = random(SIZE, 5);
        Path file = Files.write(root.resolve("big.bin"), random(SIZE, 6));
        Path basis = Files.write(tmp.resolve("old.bin"), old);
        wire(root, file, true);
        FileRecord want = record(Files.readAllBytes(file));
        fetcher = new Fetcher(new RecordingOutbox(toSource), io, timer, fetched); // a receiver whose source is the test

        CompletableFuture<Path> done = fetcher.fetch("s", "web", want, tmp.resolve("t1"), List.of(basis));
        await(T, () -> !sent(toSource, Message.FetchRequest.class).isEmpty(), () -> "the request");
        Message.FetchRequest request = sent(toSource, Message.FetchRequest.class).get(0);
        BitSet beyond = new BitSet();
        beyond.set(request.segments().segmentCount());
        fetcher.onNeed("s", new Message.FetchNeed(request.transferId(), beyond));
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("asked for basis segment " + request.segments().segmentCount()),
                e.getCause().getMessage());
        await(T, () -> sent(toSource, Message.FetchAbort.class).size() == 1, () -> "the source is told");

        toSource.clear();
        CompletableFuture<Path> again = fetcher.fetch("s", "web", want, tmp.resolve("t2"), List.of(basis));
        await(T, () -> !sent(toSource, Message.FetchRequest.class).isEmpty(), () -> "the request");
        long id = sent(toSource, Message.FetchRequest.class).get(0).transferId();
        BitSet first = new BitSet();
        first.set(0);
        fetcher.onNeed("s", new Message.FetchNeed(id, first));
        await(T, () -> sent(toSource, Message.FetchBasis.class).size() == 1, () -> "the answer");
        assertEquals(BlockSize.forLength(SIZE) * SegmentSums.SEGMENT_BLOCKS,
                sent(toSource, Message.FetchBasis.class).get(0).basis().fileLength(), "one segment signed");
        fetcher.onNeed("s", new Message.FetchNeed(id, first));
        ExecutionException twice = assertThrows(ExecutionException.class, () -> again.get(30, TimeUnit.SECONDS));
        assertTrue(twice.getCause().getMessage().contains("out of turn"), twice.getCause().getMessage());
    }

    @Test
    void aFetchBasisThatDoesNotDescribeTheSegmentsAskedForIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("src"));
        byte[] old = random(SIZE, 7);
        byte[] now = old.clone();
        now[SIZE / 2] ^= 1;
        Path file = Files.write(root.resolve("big.bin"), now);
        wire(root, file, false);
        SegmentSums sums = SegmentSums.build(new ByteArrayInputStream(old), BlockSize.forLength(SIZE),
                SegmentSums.SEGMENT_BLOCKS);
        source.onRequest("r", new Message.FetchRequest(42, "web", "big.bin", VersionVector.of(Map.of(7L, 1L)),
                ContentHash.of(EntryReader.sha256().digest(now)), null, 8, sums));
        await(T, () -> sent(toReceiver, Message.FetchNeed.class).size() == 1, () -> "the source asks");
        assertEquals(3, sent(toReceiver, Message.FetchNeed.class).get(0).segments().cardinality(),
                "the changed segment and its neighbours");
        source.onBasis("r", new Message.FetchBasis(42, new SignatureBuilder(sums.blockSize())
                .build(new ByteArrayInputStream(new byte[1000]))));
        await(T, () -> sent(toReceiver, Message.FetchAbort.class).size() == 1, () -> "the abort");
        Message.FetchAbort abort = sent(toReceiver, Message.FetchAbort.class).get(0);
        assertEquals(Message.AbortReason.BAD_REQUEST, abort.reason());
        assertTrue(abort.detail().contains("the needed segments"), abort.detail());
        assertEquals(List.of(), sent(toReceiver, Message.FetchData.class), "no data against a wrong basis");
    }
}
