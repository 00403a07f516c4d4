package io.syncnode.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of {@link RelativePath}, checked for 500 generated paths (reproducible from the seed):
 * components of any name bytes (but '/' and NUL, not "." or "..", not a temp entry) joined by '/'
 * make a valid path; one "", ".", "..", NUL, temp-entry or 256-byte component, or a leading '/',
 * makes it invalid; a valid path is its parent plus its name and lies within its parent.
 */
class RelativePathPropertyTest {
    private static final String[] BAD = {"", ".", "..", "a\0b", "\0", RelativePath.TEMP_PREFIX + "x", "c".repeat(256)};

    static LongStream seeds() {
        return LongStream.range(0, 500).map(i -> 0x510e527fL * (i + 1));
    }

    /** 1 to 6 components of 1 to 12 name bytes each (many dots, to come near "." and ".."). */
    static List<String> components(SplittableRandom r) {
        List<String> parts = new ArrayList<>();
        for (int n = 1 + r.nextInt(6); n > 0; n--) {
            String part;
            do {
                byte[] b = new byte[1 + r.nextInt(12)];
                for (int i = 0; i < b.length; i++) {
                    int c = r.nextInt(3) == 0 ? '.' : 1 + r.nextInt(255);
                    b[i] = (byte) (c == '/' ? 'x' : c);
                }
                part = NameCodec.decode(b);
            } while (part.equals(".") || part.equals("..") || part.startsWith(RelativePath.TEMP_PREFIX));
            parts.add(part);
        }
        return parts;
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void componentsOfNameBytesMakeAValidPath(long seed) {
        List<String> parts = components(new SplittableRandom(seed));
        String path = String.join("/", parts);
        String context = NameCodec.display(path) + " seed=" + seed;
        assertNull(RelativePath.problem(path), context);
        assertEquals(parts.get(parts.size() - 1), RelativePath.name(path), context);
        String parent = RelativePath.parent(path);
        assertEquals(path, parent.isEmpty() ? RelativePath.name(path) : parent + "/" + RelativePath.name(path), context);
        assertEquals(parent.isEmpty() ? RelativePath.ROOT : parent, RelativePath.parentRecord(path), context);
        assertTrue(RelativePath.isWithin(path, parent) && RelativePath.isWithin(path, path), context);
    }

    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void oneBadComponentMakesThePathInvalid(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> parts = components(r);
        String good = String.join("/", parts);
        parts.add(r.nextInt(parts.size() + 1), BAD[r.nextInt(BAD.length)]);
        String path = String.join("/", parts);
        assertNotNull(RelativePath.problem(path), NameCodec.display(path) + " seed=" + seed);
        assertNotNull(RelativePath.problem("/" + good), "absolute, seed=" + seed);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {4096, 4097, 4100, 4300})
    void aPathLongerThan4096BytesIsInvalid(int length) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append("d".repeat(200)).append('/');
        }
        String path = sb.substring(0, length).replaceAll("/$", "x");
        assertEquals(length > RelativePath.MAX_LENGTH, RelativePath.problem(path) != null, "length " + length);
    }
}
