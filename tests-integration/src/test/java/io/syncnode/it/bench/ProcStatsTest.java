package io.syncnode.it.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ProcStats#mountOf} on mountinfo text written here. */
class ProcStatsTest {
    private static final String MOUNTINFO = String.join("\n",
            "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard",
            "23 22 0:21 / /proc rw,nosuid shared:2 - proc proc rw",
            "24 22 0:22 / /dev/shm rw,nosuid,nodev shared:3 - tmpfs tmpfs rw",
            "25 22 0:23 / /tmp/with\\040space rw shared:4 - tmpfs tmpfs rw",
            "26 22 254:16 / /srv rw shared:5 master:1 - xfs /dev/vdb rw",
            "27 26 254:32 / /srv rw shared:6 - ext4 /dev/vdc rw",
            "garbage line");

    @Test
    void theLongestMountPointAboveThePathWins() {
        assertEquals(Optional.of(new ProcStats.Mount("/", "ext4", "/dev/vda")),
                ProcStats.mountOf(MOUNTINFO, Path.of("/tmp/syncnode-bench1")));
        assertEquals("tmpfs", ProcStats.mountOf(MOUNTINFO, Path.of("/dev/shm/x/y")).orElseThrow().type());
        assertEquals("/tmp/with space", ProcStats.mountOf(MOUNTINFO, Path.of("/tmp/with space/a")).orElseThrow().point());
        assertEquals("/", ProcStats.mountOf(MOUNTINFO, Path.of("/devx/shm")).orElseThrow().point(),
                "a mount point is a whole path prefix, not a string prefix");
    }

    @Test
    void theLastMountOnAPointHidesTheEarlierOne() {
        assertEquals(Optional.of(new ProcStats.Mount("/srv", "ext4", "/dev/vdc")),
                ProcStats.mountOf(MOUNTINFO, Path.of("/srv/data")));
    }

    @Test
    void noMountWithoutALine() {
        assertEquals(Optional.empty(), ProcStats.mountOf("", Path.of("/tmp")));
    }
}
