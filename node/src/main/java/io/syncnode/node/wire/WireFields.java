package io.syncnode.node.wire;

import static io.syncnode.node.wire.WireCodec.MAX_VERSION_COUNTERS;

import com.google.protobuf.ByteString;
import io.syncnode.protocol.ContentHash;
import io.syncnode.protocol.NameCodec;
import io.syncnode.protocol.RelativePath;
import io.syncnode.protocol.VersionVector;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The checks of the fields that several inbound messages share: folder names, relative paths,
 * content hashes and version vectors (PROTOCOL.md, "Limits"). Each returns the field's value
 * in the core's type, or throws a {@link WireException} that names the field and the problem.
 */
final class WireFields {
    private static final Pattern FOLDER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private WireFields() {
    }

    static String folder(String name, String field) throws WireException {
        if (!FOLDER_NAME.matcher(name).matches()) {
            throw new WireException(field + ": invalid folder name \"" + name + "\"");
        }
        return name;
    }

    static String path(ByteString bytes, String field) throws WireException {
        if (bytes.size() > RelativePath.MAX_LENGTH) {
            throw new WireException(field + ": longer than " + RelativePath.MAX_LENGTH + " bytes");
        }
        String p = NameCodec.decode(bytes.toByteArray());
        String problem = RelativePath.problem(p);
        if (problem != null) {
            throw new WireException(field + ": rejected path \"" + NameCodec.display(p) + "\": " + problem);
        }
        return p;
    }

    static ContentHash hash(ByteString bytes, String field) throws WireException {
        if (bytes.size() != ContentHash.LENGTH) {
            throw new WireException(field + ": must be " + ContentHash.LENGTH + " bytes, got " + bytes.size());
        }
        return ContentHash.of(bytes.toByteArray());
    }

    static VersionVector version(Version v, String field) throws WireException {
        if (v.getCountersCount() > MAX_VERSION_COUNTERS) {
            throw new WireException(field + ": more than " + MAX_VERSION_COUNTERS + " counters");
        }
        Map<Long, Long> counters = new TreeMap<>();
        for (VersionCounter c : v.getCountersList()) {
            if (c.getValue() < 0) {
                throw new WireException(field + ": counter above 2^63");
            }
            if (counters.put(c.getNodeId(), c.getValue()) != null) {
                throw new WireException(field + ": node " + Long.toHexString(c.getNodeId()) + " listed twice");
            }
        }
        return VersionVector.of(counters);
    }
}
