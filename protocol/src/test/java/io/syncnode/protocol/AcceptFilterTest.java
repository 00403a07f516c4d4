package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a remote change may carry into a folder ({@code [folder.accept]}): one case per rule. */
class AcceptFilterTest {
    private static final AcceptFilter LOCKED = new AcceptFilter(false, false,
            List.of(AcceptFilter.OwnerRange.parse("33"), AcceptFilter.OwnerRange.parse("1000-1999")),
            List.of("user.*", "security.selinux"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a plain file of www-data                 | REGULAR      | 0644 | 33   | 33   |                       | accepted
            a file in the uid range                  | REGULAR      | 0600 | 1500 | 1999 | user.mime             | accepted
            an exactly named xattr                   | REGULAR      | 0644 | 33   | 33   | security.selinux      | accepted
            a directory with setgid (group dirs)     | DIRECTORY    | 2775 | 33   | 33   |                       | accepted
            a fifo                                   | FIFO         | 0600 | 33   | 33   |                       | accepted
            a character device                       | CHAR_DEVICE  | 0666 | 33   | 33   |                       | a device node
            a block device                           | BLOCK_DEVICE | 0600 | 33   | 33   |                       | a device node
            a setuid file                            | REGULAR      | 4755 | 33   | 33   |                       | the setuid bit
            a setuid directory                       | DIRECTORY    | 4755 | 33   | 33   |                       | the setuid bit
            a setgid file                            | REGULAR      | 2755 | 33   | 33   |                       | the setgid bit
            root's file                              | REGULAR      | 0644 | 0    | 33   |                       | uid 0
            a group out of range                     | REGULAR      | 0644 | 33   | 0    |                       | gid 0
            the uid just past the range              | REGULAR      | 0644 | 2000 | 33   |                       | uid 2000
            uid -1 read as unsigned                  | REGULAR      | 0644 | -1   | 33   |                       | uid 4294967295
            a capability                             | REGULAR      | 0755 | 33   | 33   | security.capability   | xattr security.capability
            a trusted xattr                          | REGULAR      | 0644 | 33   | 33   | trusted.overlay.opaque| xattr trusted.overlay.opaque
            an ACL                                   | DIRECTORY    | 0755 | 33   | 33   | system.posix_acl_access | xattr system.posix_acl_access
            """)
    void aLockedDownFolderRefusesWhatCouldGiveAPeerRoot(String name, FileType type, String mode, int uid, int gid,
                                                        String xattr, String expected) {
        FileRecord r = record(type, Integer.parseInt(mode, 8), uid, gid, xattr);
        String refusal = LOCKED.refusal(r);
        if (expected.equals("accepted")) {
            assertNull(refusal, name);
        } else {
            assertTrue(refusal != null && refusal.startsWith(expected), name + ": " + refusal);
        }
        assertNull(AcceptFilter.ALL.refusal(r), "the default accepts " + name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a single id        | 33                  | 33         | 33
            a range            | 100000-165535       | 100000     | 165535
            the widest range   | 0-4294967294        | 0          | 4294967294
            """)
    void ownerRangesParse(String name, String text, long first, long last) {
        assertEquals(new AcceptFilter.OwnerRange(first, last), AcceptFilter.OwnerRange.parse(text), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not a number        | www-data          | not an id range
            a negative id       | -1                | not an id range
            backwards           | 2000-1000         | the first id is larger than the last
            beyond uid_t        | 4294967295        | ids go up to 4294967294
            spaces              | 1 - 2             | not an id range
            """)
    void badOwnerRangesSayWhy(String name, String text, String why) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AcceptFilter.OwnerRange.parse(text));
        assertTrue(e.getMessage().contains(why), name + ": " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a lone star         | *              | leave the key out
            a star inside       | user.*.x       | may only end a pattern
            empty               | ''             | is not an xattr pattern
            """)
    void badXattrPatternsSayWhy(String name, String pattern, String why) {
        String problem = AcceptFilter.patternProblem(pattern);
        assertTrue(problem != null && problem.contains(why), name + ": " + problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a tombstone carries nothing to refuse | true
            """)
    void tombstonesAreNeverRefused(String name, boolean deleted) {
        FileRecord live = record(FileType.BLOCK_DEVICE, 04755, 0, 0, "trusted.x");
        FileRecord dead = live.asDeleted(VersionVector.EMPTY.bump(1, 1), 1);
        assertEquals(deleted, dead.deleted());
        assertNull(LOCKED.refusal(dead), name);
    }

    private static FileRecord record(FileType type, int mode, int uid, int gid, String xattr) {
        Xattrs x = xattr == null ? Xattrs.EMPTY : Xattrs.of(Map.of(xattr, new byte[] {1}));
        ContentHash hash = type == FileType.REGULAR ? ContentHash.of(new byte[ContentHash.LENGTH]) : null;
        return new FileRecord("a/b", type, mode, uid, gid, 0, 0, hash, null, type == FileType.CHAR_DEVICE
                || type == FileType.BLOCK_DEVICE ? 0x801 : 0, VersionVector.EMPTY.bump(1, 1), false, 1, x, null);
    }
}
