package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * jqwik properties of {@link RelativePath}: components of any name bytes (but '/' and NUL, not
 * "." or "..", not a temp entry, at most 255 bytes) joined by '/' make a valid path while it fits
 * in 4096 bytes; one "", "." or ".." component, a leading '/' or a NUL anywhere makes it invalid;
 * and a valid path is its parent plus its name, and lies within its parent.
 */
class RelativePathProperties {

    @Provide
    Arbitrary<String> components() {
        Arbitrary<Byte> nameBytes = Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) '.', (byte) 'a'))
                .filter(b -> b != '/' && b != 0);
        return nameBytes.array(byte[].class).ofMinSize(1).ofMaxSize(12).map(NameCodec::decode)
                .filter(c -> !c.equals(".") && !c.equals("..") && !c.startsWith(RelativePath.TEMP_PREFIX));
    }

    @Provide
    Arbitrary<List<String>> paths() {
        return components().list().ofMinSize(1).ofMaxSize(6);
    }

    @Property(tries = 500)
    void componentsOfNameBytesMakeAValidPath(@ForAll("paths") List<String> parts) {
        String path = String.join("/", parts);
        if (path.equals(RelativePath.ROOT)) {
            return;
        }
        assertNull(RelativePath.problem(path), path);
        assertEquals(parts.get(parts.size() - 1), RelativePath.name(path));
        String parent = RelativePath.parent(path);
        assertEquals(path, parent.isEmpty() ? RelativePath.name(path) : parent + "/" + RelativePath.name(path));
        assertEquals(parent.isEmpty() ? RelativePath.ROOT : parent, RelativePath.parentRecord(path));
        assertTrue(RelativePath.isWithin(path, parent));
        assertTrue(RelativePath.isWithin(path, path));
    }

    @Property(tries = 500)
    void oneBadComponentMakesThePathInvalid(@ForAll("paths") List<String> parts, @ForAll("bad") String bad,
                                            @ForAll @IntRange(min = 0, max = 6) int at) {
        List<String> withBad = new ArrayList<>(parts);
        withBad.add(Math.min(at, withBad.size()), bad);
        String path = String.join("/", withBad);
        assertNotNull(RelativePath.problem(path), path);
        assertNotNull(RelativePath.problem("/" + String.join("/", parts)), "absolute");
    }

    @Provide
    Arbitrary<String> bad() {
        return Arbitraries.of("", ".", "..", "a\0b", "\0", RelativePath.TEMP_PREFIX + "x", "c".repeat(256));
    }

    @Property(tries = 100)
    void aPathLongerThan4096BytesIsInvalid(@ForAll @IntRange(min = 1, max = 300) int extra) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < RelativePath.MAX_LENGTH + extra) {
            sb.append("d".repeat(200)).append('/');
        }
        String path = sb.substring(0, RelativePath.MAX_LENGTH + extra).replaceAll("/$", "x");
        assertNotNull(RelativePath.problem(path), "length " + path.length());
        String fits = path.substring(0, RelativePath.MAX_LENGTH).replaceAll("/$", "x");
        assertNull(RelativePath.problem(fits), "length " + fits.length());
    }
}
