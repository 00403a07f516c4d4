package io.syncnode.node.control;

import java.util.List;

/**
 * {@code reload}'s answer: what took effect at once, and which changed keys need a restart of the
 * node to take effect.
 */
public record ReloadView(List<String> applied, List<String> needsRestart) {
    public ReloadView {
        applied = List.copyOf(applied);
        needsRestart = List.copyOf(needsRestart);
    }
}
