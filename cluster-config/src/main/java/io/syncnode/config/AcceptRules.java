package io.syncnode.config;

import io.syncnode.protocol.AcceptFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The rules for the {@code [folder.accept]} table of one {@code [[folder]]}: what a remote change
 * may carry. Every key is optional; a missing key accepts everything it covers.
 *
 * <pre>
 * [folder.accept]
 * devices = false                    # character and block device nodes
 * setuid = false                     # setuid bits, and setgid on anything but a directory
 * owners = ["33", "100000-165535"]   # uid and gid ranges ("N" or "N-M")
 * xattrs = ["user.*"]                # xattr names: a name, or a prefix ending in *
 * </pre>
 */
final class AcceptRules {
    private static final Set<String> KEYS = Set.of("devices", "setuid", "owners", "xattrs");

    private AcceptRules() {
    }

    /** The folder's filter; {@link AcceptFilter#ALL} when it has no {@code accept} table. */
    static AcceptFilter read(TomlTable folder) throws ConfigException {
        var table = folder.table("accept");
        if (table.isEmpty()) {
            return AcceptFilter.ALL;
        }
        TomlTable t = table.get();
        t.allowOnly(KEYS);
        boolean devices = t.bool("devices").orElse(true);
        boolean setuid = t.bool("setuid").orElse(true);
        return new AcceptFilter(devices, setuid, owners(t), xattrs(t));
    }

    private static List<AcceptFilter.OwnerRange> owners(TomlTable t) throws ConfigException {
        if (!t.has("owners")) {
            return null;
        }
        List<String> texts = stringList(t, "owners", "[\"0-65535\"]");
        if (texts.isEmpty()) {
            throw t.error("owners", "is empty, which would refuse every owner; list uid/gid ranges such as"
                    + " [\"33\", \"100000-165535\"], or leave the key out to accept every owner");
        }
        List<AcceptFilter.OwnerRange> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            try {
                out.add(AcceptFilter.OwnerRange.parse(texts.get(i)));
            } catch (IllegalArgumentException e) {
                throw t.error("owners[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    private static List<String> xattrs(TomlTable t) throws ConfigException {
        if (!t.has("xattrs")) {
            return null;
        }
        List<String> patterns = stringList(t, "xattrs", "[\"user.*\", \"security.selinux\"]");
        for (int i = 0; i < patterns.size(); i++) {
            String problem = AcceptFilter.patternProblem(patterns.get(i));
            if (problem != null) {
                throw t.error("xattrs[" + i + "]", problem);
            }
        }
        return patterns; // empty: no xattr at all is accepted
    }

    private static List<String> stringList(TomlTable t, String key, String example) throws ConfigException {
        try {
            return t.stringList(key);
        } catch (ConfigException e) {
            throw t.error(key, "expected a list of strings, e.g. " + example);
        }
    }
}
