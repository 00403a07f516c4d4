package io.syncnode.node.wire;

import static io.syncnode.node.wire.WireFields.folder;
import static io.syncnode.node.wire.WireFields.path;

import com.google.protobuf.ByteString;
import io.syncnode.protocol.NameCodec;
import io.syncnode.wire.proto.FileInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbound checks of {@code IndexQuery} and {@code IndexAnswer} (PROTOCOL.md 4.6): counts
 * against {@link WireCodec#MAX_QUERY_PATHS} and {@link WireCodec#MAX_ANSWER_FILES} before anything
 * is copied, every path and record as in announcements, a content query naming one path, and a
 * refusal that is short, alone and last. Stateless; thread-safe.
 */
final class IndexQueryDecoder {
    /** Longest {@code IndexAnswer.refused} text accepted. */
    static final int MAX_REFUSED = 200;
    /** Highest page number: pages of {@link WireCodec#MAX_ANSWER_FILES} records reach 2 million records, the most an asker takes. */
    static final int MAX_PAGE = 1_999;

    private IndexQueryDecoder() {
    }

    static Message.IndexQuery decode(io.syncnode.wire.proto.IndexQuery q) throws WireException {
        String folder = folder(q.getFolder(), "index_query.folder");
        if (q.getPathsCount() > WireCodec.MAX_QUERY_PATHS) {
            throw new WireException("index_query.paths: " + q.getPathsCount() + " paths, at most "
                    + WireCodec.MAX_QUERY_PATHS);
        }
        if (q.getContent() && q.getPathsCount() != 1) {
            throw new WireException("index_query.content: asks for the content of exactly one path, got "
                    + q.getPathsCount());
        }
        List<String> paths = new ArrayList<>(q.getPathsCount());
        for (ByteString p : q.getPathsList()) {
            paths.add(path(p, "index_query.paths"));
        }
        if (Integer.compareUnsigned(q.getPage(), MAX_PAGE) > 0) {
            throw new WireException("index_query.page: " + Integer.toUnsignedString(q.getPage()) + ", at most " + MAX_PAGE);
        }
        return new Message.IndexQuery(q.getQueryId(), folder, paths, q.getContent(), q.getPage());
    }

    static Message.IndexAnswer decode(io.syncnode.wire.proto.IndexAnswer a) throws WireException {
        String folder = folder(a.getFolder(), "index_answer.folder");
        if (a.getFilesCount() > WireCodec.MAX_ANSWER_FILES) {
            throw new WireException("index_answer.files: " + a.getFilesCount() + " records, at most "
                    + WireCodec.MAX_ANSWER_FILES);
        }
        String refused = a.getRefused();
        if (refused.length() > MAX_REFUSED) {
            throw new WireException("index_answer.refused: longer than " + MAX_REFUSED + " characters");
        }
        if (!refused.isEmpty() && (a.getFilesCount() > 0 || !a.getLast())) {
            throw new WireException("index_answer.refused: a refusal carries no records and is the last page");
        }
        List<Message.Announced> files = new ArrayList<>(a.getFilesCount());
        for (FileInfo f : a.getFilesList()) {
            files.add(FileInfoDecoder.decode(f));
        }
        // peer-supplied text that reaches the operator: control characters shown as \xNN
        return new Message.IndexAnswer(a.getQueryId(), folder, files, a.getLast(),
                refused.isEmpty() ? null : NameCodec.display(refused));
    }
}
