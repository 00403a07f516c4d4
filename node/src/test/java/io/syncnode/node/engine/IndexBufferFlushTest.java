package io.syncnode.node.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.syncnode.node.wire.WireCodec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When a full scan flushes its pending changes: by their number, or by the inline content they hold. */
class IndexBufferFlushTest {
    @TempDir
    Path tmp;

    @Test
    void manySmallChangesFlushAtTheirCount() throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            for (int i = 0; i < IndexBuffer.FLUSH_AT - 1; i++) {
                parts.buffer.put(IndexBuffer.Put.local(parts.file("f" + i, new byte[] {1}, 0644, 1, EngineParts.SELF, 1),
                        null, new byte[] {1}));
            }
            assertFalse(parts.buffer.large());
            parts.buffer.put(IndexBuffer.Put.local(parts.file("last", new byte[] {1}, 0644, 1, EngineParts.SELF, 1),
                    null, new byte[] {1}));
            assertTrue(parts.buffer.large());
        }
    }

    @Test
    void fewLargeInlineFilesFlushAtTheirBytes() throws Exception {
        try (EngineParts parts = new EngineParts(tmp)) {
            byte[] content = new byte[WireCodec.MAX_INLINE];
            long fit = IndexBuffer.FLUSH_INLINE_BYTES / content.length;
            for (int i = 0; i < fit - 1; i++) {
                parts.buffer.put(IndexBuffer.Put.local(parts.file("f" + i, content, 0644, 1, EngineParts.SELF, 1),
                        null, content));
            }
            assertFalse(parts.buffer.large(), (fit - 1) + " files of " + content.length + " bytes");
            parts.buffer.put(IndexBuffer.Put.local(parts.file("last", content, 0644, 1, EngineParts.SELF, 1),
                    null, content));
            assertTrue(parts.buffer.large(), fit + " files hold " + IndexBuffer.FLUSH_INLINE_BYTES + " bytes, far"
                    + " fewer than " + IndexBuffer.FLUSH_AT + " changes");
        }
    }
}
