package io.syncnode.node.index;

import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.FileRecord;
import io.syncnode.protocol.FileType;
import io.syncnode.protocol.StatSignature;
import io.syncnode.protocol.VersionVector;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test records and a bounded wait for write futures. */
final class Records {
    static final long ALPHA = 0x1111_2222_3333_4444L;
    static final long BETA = -0x0123_4567_89ab_cdefL; // negative: ids are signed
    static final VersionVector V1 = VersionVector.of(Map.of(ALPHA, 1_700_000_000L, BETA, 3L));

    private Records() {
    }

    static ContentHash hashOf(String content) {
        try {
            return ContentHash.of(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static FileRecord regular(String path, String content) {
        return regular(path, content, V1);
    }

    static FileRecord regular(String path, String content, VersionVector version) {
        return new FileRecord(path, FileType.REGULAR, 04755, 1000, 100_000, 1_700_000_000_123_456_789L,
                content.length(), hashOf(content), null, 0, version, false, ALPHA);
    }

    /** One record of each type with every field that type uses set to a distinctive value. */
    static FileRecord ofType(FileType type, String path) {
        return switch (type) {
            case REGULAR -> regular(path, "content of " + path);
            case DIRECTORY -> new FileRecord(path, type, 01777, 0, 0, 0, 0, null, null, 0, V1, false, BETA);
            case SYMLINK -> new FileRecord(path, type, 0777, 33, 33, 1_600_000_000_000_000_001L, 0, null,
                    "../target with spaces/ü", 0, V1, false, ALPHA);
            case CHAR_DEVICE -> new FileRecord(path, type, 0666, 0, 5, 1L, 0, null, null, (1L << 8) | 3, V1, false,
                    ALPHA);
            case BLOCK_DEVICE -> new FileRecord(path, type, 0660, 0, 6, 2L, 0, null, null, (259L << 32) | 7, V1,
                    false, ALPHA);
            case FIFO -> new FileRecord(path, type, 0600, -2, -2, 3L, 0, null, null, 0, V1, false, BETA);
        };
    }

    static StatSignature stat(long ino) {
        return new StatSignature(0x803L, ino, 4096, 1_700_000_000_999_999_999L, 1_700_000_001_000_000_000L, 0100644,
                1000, 1000);
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("write did not complete in 30 s", e);
        }
    }
}
