package io.syncnode.node.trust;

import java.util.regex.Pattern;

/** The configuration's node name rule, which a node certificate's CN must follow. */
final class NodeName {
    static final String RULE = "[a-z0-9][a-z0-9-]{0,31}";
    private static final Pattern PATTERN = Pattern.compile(RULE);

    private NodeName() {
    }

    static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /** {@code name} itself, or IllegalArgumentException saying the rule. */
    static String require(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("node name \"" + name + "\" must match " + RULE);
        }
        return name;
    }
}
