package io.syncnode.protocol;

import static io.syncnode.protocol.ContentRoute.FETCH;
import static io.syncnode.protocol.ContentRoute.HARD_LINK;
import static io.syncnode.protocol.ContentRoute.INLINE;
import static io.syncnode.protocol.ContentRoute.LOCAL_COPY;
import static io.syncnode.protocol.ContentRoute.METADATA_ONLY;
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
                Arguments.of("same hash at the path: metadata only", target, file("d/f", "aa", 10), null, false,
                        List.of(METADATA_ONLY)),
                Arguments.of("same hash beats inline bytes", target, file("d/f", "aa", 10), null, true,
                        List.of(METADATA_ONLY)),
                Arguments.of("inline bytes and other local content", target, other, null, true, List.of(INLINE)),
                Arguments.of("inline bytes, nothing local", target, null, null, true, List.of(INLINE)),
                Arguments.of("other local content: a copy, else a fetch", target, other, null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("an empty local file", target, empty, null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("nothing local: a copy, else a fetch", target, null, null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("deleted locally", target, gone, null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("a directory at the path", target, dir("d/f"), null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("hard link whose first name has the content", link, null, first, false,
                        List.of(HARD_LINK, LOCAL_COPY, FETCH)),
                Arguments.of("hard link, else inline", link, null, first, true, List.of(HARD_LINK, INLINE)),
                Arguments.of("hard link already the same content here", link, file("d/g", "aa", 10), first, false,
                        List.of(HARD_LINK, METADATA_ONLY)),
                Arguments.of("hard link whose first name has other content", link, null, file("d/a", "cc", 10),
                        false, List.of(LOCAL_COPY, FETCH)),
                Arguments.of("hard link whose first name is unknown", link, null, null, false,
                        List.of(LOCAL_COPY, FETCH)),
                Arguments.of("a first name given for a file that is no link", target, null, first, false,
                        List.of(LOCAL_COPY, FETCH)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routes(String name, FileRecord target, FileRecord local, FileRecord linkFirst, boolean inline,
                List<ContentRoute> expected) {
        List<ContentRoute> routes = ContentRoute.decide(target, local, linkFirst, inline);
        assertEquals(expected, routes);
        assertEquals(true, routes.get(routes.size() - 1).last(), "the last route tried is final");
    }

    @Test
    void onlyLiveRegularFilesHaveContentRoutes() {
        assertThrows(IllegalArgumentException.class, () -> ContentRoute.decide(dir("d"), null, null, false));
    }
}
