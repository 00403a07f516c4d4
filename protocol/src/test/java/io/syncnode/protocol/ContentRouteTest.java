package io.syncnode.protocol;

import static io.syncnode.protocol.ContentRoute.DELTA_FETCH;
import static io.syncnode.protocol.ContentRoute.HARD_LINK;
import static io.syncnode.protocol.ContentRoute.INLINE;
import static io.syncnode.protocol.ContentRoute.LOCAL_COPY;
import static io.syncnode.protocol.ContentRoute.METADATA_ONLY;
import static io.syncnode.protocol.ContentRoute.WHOLE_FETCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Where a taken file's bytes come from: one row per situation the applier meets. */
class ContentRouteTest {
    private static final long A = 0xa0L;

    static FileRecord file(String path, String hashHex, long size) {
        return new FileRecord(path, FileType.REGULAR, 0644, 0, 0, 100, size,
                ContentHash.ofHex(hashHex.repeat(64 / hashHex.length())), null, 0,
                VersionVector.EMPTY.bump(A, 1), false, A);
    }

    static FileRecord dir(String path) {
        return new FileRecord(path, FileType.DIRECTORY, 0755, 0, 0, 100, 0, null, null, 0,
                VersionVector.EMPTY.bump(A, 1), false, A);
    }

    static Stream<Arguments> cases() {
        FileRecord target = file("d/f", "aa", 10);
        FileRecord link = file("d/g", "aa", 10).withHardLink("d/a");
        FileRecord first = file("d/a", "aa", 10);
        FileRecord other = file("d/f", "bb", 10);
        FileRecord empty = file("d/f", "bb", 0);
        FileRecord gone = other.asDeleted(VersionVector.EMPTY.bump(A, 2), A);
        return Stream.of(
                Arguments.of("same hash at the path: metadata only", target, file("d/f", "aa", 10), true, null, false,
                        List.of(METADATA_ONLY)),
                Arguments.of("same hash beats inline bytes", target, file("d/f", "aa", 10), true, null, true,
                        List.of(METADATA_ONLY)),
                Arguments.of("inline bytes and other local content", target, other, true, null, true, List.of(INLINE)),
                Arguments.of("inline bytes, nothing local", target, null, false, null, true, List.of(INLINE)),
                Arguments.of("other local content on disk: a copy, else a delta", target, other, true, null, false,
                        List.of(LOCAL_COPY, DELTA_FETCH)),
                Arguments.of("other local content not on disk: whole fetch", target, other, false, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("empty local file is no basis", target, empty, true, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("nothing local: a copy, else a whole fetch", target, null, false, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("deleted locally: no basis", target, gone, false, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("a directory at the path is no basis", target, dir("d/f"), true, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("hard link whose first name has the content", link, null, false, first, false,
                        List.of(HARD_LINK, LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("hard link, else inline", link, null, false, first, true, List.of(HARD_LINK, INLINE)),
                Arguments.of("hard link already the same content here", link, file("d/g", "aa", 10), true, first, false,
                        List.of(HARD_LINK, METADATA_ONLY)),
                Arguments.of("hard link whose first name has other content", link, null, false,
                        file("d/a", "cc", 10), false, List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("hard link whose first name is unknown", link, null, false, null, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)),
                Arguments.of("a first name given for a file that is no link", target, null, false, first, false,
                        List.of(LOCAL_COPY, WHOLE_FETCH)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routes(String name, FileRecord target, FileRecord local, boolean localOnDisk, FileRecord linkFirst,
                boolean inline, List<ContentRoute> expected) {
        List<ContentRoute> routes = ContentRoute.decide(target, local, localOnDisk, linkFirst, inline);
        assertEquals(expected, routes);
        assertEquals(true, routes.get(routes.size() - 1).last(), "the last route tried is final");
    }

    @Test
    void onlyLiveRegularFilesHaveContentRoutes() {
        assertThrows(IllegalArgumentException.class, () -> ContentRoute.decide(dir("d"), null, false, null, false));
    }
}
