package io.syncnode.config.csync2;

import io.syncnode.config.csync2.Csync2Config.Where;

/**
 * One remark of an import about a csync2 statement: it has no syncnode counterpart, it was
 * carried over with a change of meaning, or it was left out because it does not concern this
 * host.
 *
 * @param where   the statement's file and line
 * @param subject the statement, shortened to what the remark is about (e.g. {@code key /etc/csync2.key})
 * @param reason  why, and what to do instead where there is something
 */
public record ImportNote(Kind kind, Where where, String subject, String reason) {
    /** What the import did with the statement. */
    public enum Kind {
        /** Nothing in the output stands for it. */
        NOT_MAPPED("not mapped"),
        /** It is in the output, with a difference the operator should know. */
        CHANGED("changed"),
        /** It does not concern this host (a group the host is not in). */
        SKIPPED("skipped");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** How a listing names it. */
        public String label() {
            return label;
        }
    }

    /** One line: {@code csync2.cfg:12: not mapped: key /etc/csync2.key: REASON}. */
    @Override
    public String toString() {
        return where + ": " + kind.label() + ": " + subject + ": " + reason;
    }
}
