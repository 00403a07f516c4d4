package io.syncnode.node.engine;

import io.syncnode.node.os.NativeFs;
import io.syncnode.node.os.PathBytes;
import io.syncnode.node.scan.EntryReader;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.Xattrs;
import io.syncnode.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

/**
 * The node's native layer under {@link TreeSnapshot#full}: names and link targets as bytes of any
 * encoding, every extended attribute (the {@code security.*} and {@code trusted.*} ones too).
 */
final class NativeTree implements TreeSnapshot.Native {
    private static final NativeTree FS = new NativeTree();

    /** The fidelity snapshot of {@code root} ({@link TreeSnapshot#full}). */
    static Map<String, String> snapshot(Path root) {
        return TreeSnapshot.full(root, FS);
    }

    @Override
    public String relative(Path root, Path p) {
        return PathBytes.relative(root, p);
    }

    @Override
    public String linkTarget(Path p) throws IOException {
        return NameCodec.display(NameCodec.decode(NativeFs.readlink(p)));
    }

    @Override
    public String xattrs(Path p) throws IOException {
        Xattrs x = EntryReader.readXattrs(p);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, byte[]> e : x) {
            sb.append(NameCodec.display(e.getKey())).append('=').append(HexFormat.of().formatHex(e.getValue())).append(';');
        }
        return sb.toString();
    }
}
