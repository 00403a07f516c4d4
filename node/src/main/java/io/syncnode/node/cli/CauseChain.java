package io.syncnode.node.cli;

import java.util.ArrayList;
import java.util.List;

/** An exception and its causes as one line for the operator, instead of a stack trace. */
final class CauseChain {
    private CauseChain() {
    }

    /**
     * The messages of {@code e} and its causes joined by ": ", skipping messages that only repeat
     * the cause ({@code new RuntimeException(cause)}); a throwable without a message shows its
     * class name.
     */
    static String describe(Throwable e) {
        List<String> parts = new ArrayList<>();
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = e; t != null && !seen.contains(t); t = t.getCause()) {
            seen.add(t);
            Throwable cause = t.getCause();
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                if (cause == null) {
                    parts.add(t.getClass().getSimpleName());
                }
                continue;
            }
            if (cause != null && message.equals(cause.toString())) {
                continue;
            }
            if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(message)) {
                parts.add(message);
            }
        }
        return String.join(": ", parts);
    }
}
