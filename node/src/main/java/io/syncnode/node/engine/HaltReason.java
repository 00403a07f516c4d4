package io.syncnode.node.engine;

/**
 * Why a folder halted: nothing local propagates until the cause is fixed (a restart) or, for a
 * scan that found most files gone, accepted by the operator ({@code syncnode check}). {@code text}
 * is what {@code status} shows.
 */
record HaltReason(Kind kind, String text) {

    enum Kind {
        /** A scan found more files gone than the guard allows: accepted by a full {@code check}. */
        MASS_DELETE,
        /** The folder root is missing or on another device than at start: fixed only at the source. */
        ROOT_GONE
    }

    /** The reason {@link LocalScanner} gave, typed by what it says. */
    static HaltReason of(String text) {
        return new HaltReason(text.startsWith("a scan found") ? Kind.MASS_DELETE : Kind.ROOT_GONE, text);
    }

    /** True when a full rescan asked by the operator accepts the cause and resumes the folder. */
    boolean acceptedByCheck() {
        return kind == Kind.MASS_DELETE;
    }
}
