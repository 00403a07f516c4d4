package io.syncnode.node.engine;

/**
 * Why a folder halted: nothing local propagates and nothing remote is applied until a rescan
 * ({@code syncnode check}, a restart) finds the cause gone or, for a scan (or a member) that found
 * most files gone, the operator accepts the deletes ({@code syncnode accept-deletes --folder F};
 * never {@code check}). {@code text} is what
 * {@code status} shows.
 */
record HaltReason(Kind kind, String text) {

    enum Kind {
        /** A scan found more files gone than the guard allows: accepted only by {@code accept-deletes}. */
        MASS_DELETE,
        /** The folder root is missing or on another device than at start: fixed only at the source. */
        ROOT_GONE,
        /**
         * A member's announcements would delete more files than the guard allows
         * ({@link RemoteDeleteGuard}): applied only by {@code accept-deletes}; a {@code check} rescans
         * here and keeps the halt.
         */
        REMOTE_MASS_DELETE
    }

    /** The reason {@link LocalScanner} gave, typed by what it says. */
    static HaltReason of(String text) {
        return new HaltReason(text.startsWith("a scan found") ? Kind.MASS_DELETE : Kind.ROOT_GONE, text);
    }

    /** True when {@code accept-deletes} may release the halt: the operator accepts the deletes. */
    boolean releasedByAcceptDeletes() {
        return kind == Kind.MASS_DELETE || kind == Kind.REMOTE_MASS_DELETE;
    }
}
