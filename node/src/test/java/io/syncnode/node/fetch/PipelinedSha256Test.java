package io.syncnode.node.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.ContentHash;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hash computed on its own thread equals the SHA-256 of the bytes handed over in any pieces,
 * and a hasher closed early (a failed transfer) makes its writer fail instead of wait forever.
 */
class PipelinedSha256Test {

    @Test
    void theHashOfBytesHandedOverInAnyPiecesIsTheirSha256() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 12345];
        new Random(1).nextBytes(data);
        Random cut = new Random(2);
        try (PipelinedSha256 h = new PipelinedSha256()) {
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, cut.nextBoolean() ? 1 + cut.nextInt(100) : 1 + cut.nextInt(600_000));
                h.update(data, at, n);
                at += n;
            }
            assertEquals(ContentHash.of(EntryReader.sha256().digest(data)), h.finish());
        }
        try (PipelinedSha256 empty = new PipelinedSha256()) {
            assertEquals(ContentHash.of(EntryReader.sha256().digest(new byte[0])), empty.finish());
        }
    }

    @Test
    void piecesCopiedInAndBuffersLentAndHandedBackHashInTheirOrder() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 777];
        new Random(3).nextBytes(data);
        Random cut = new Random(4);
        try (PipelinedSha256 h = new PipelinedSha256()) {
            int at = 0;
            while (at < data.length) {
                if (cut.nextBoolean()) { // as a delta's copied blocks: read into a lent buffer
                    byte[] lent = h.lend();
                    int n = Math.min(data.length - at, 1 + cut.nextInt(lent.length));
                    System.arraycopy(data, at, lent, 0, n);
                    h.updateLent(lent, n);
                    at += n;
                } else { // as literals: copied in, after a partly filled buffer or not
                    int n = Math.min(data.length - at, 1 + cut.nextInt(300_000));
                    h.update(data, at, n);
                    at += n;
                }
            }
            assertEquals(ContentHash.of(EntryReader.sha256().digest(data)), h.finish());
        }
    }

    @Test
    void aWriterOfAClosedHasherFailsAndDoesNotWait() {
        PipelinedSha256 h = new PipelinedSha256();
        h.close();
        byte[] chunk = new byte[256 * 1024];
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IOException.class, () -> {
            for (int i = 0; i < 10 * PipelinedSha256.BUFFERS; i++) { // more than the buffers in flight
                h.update(chunk, 0, chunk.length);
            }
        }));
    }
}
