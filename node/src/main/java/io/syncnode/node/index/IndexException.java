package io.syncnode.node.index;

/**
 * A failure of the index: the message names the step ("open", "migrate", "put", "commit", ...)
 * and the subject (database file, folder and path, peer), and the SQLite cause is kept.
 */
public final class IndexException extends RuntimeException {
    private final String step;
    private final String subject;

    public IndexException(String step, String subject, Throwable cause) {
        super("index " + step + " failed for " + subject
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
        this.step = step;
        this.subject = subject;
    }

    public IndexException(String step, String subject, String reason) {
        super("index " + step + " failed for " + subject + ": " + reason);
        this.step = step;
        this.subject = subject;
    }

    /** What the index was doing, e.g. {@code "put"}. */
    public String step() {
        return step;
    }

    /** What it was doing it to, e.g. {@code "folder 'ct101' path 'etc/hosts'"}. */
    public String subject() {
        return subject;
    }
}
