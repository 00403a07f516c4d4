package io.syncnode.node.cli;

/** The process exit codes of the CLI, as DESIGN.md fixes them. */
final class ExitCode {
    /** The verb did what was asked. */
    static final int OK = 0;
    /** Something failed: no node running, the node refused, I/O. */
    static final int ERROR = 1;
    /** The command line or the configuration file is wrong. */
    static final int USAGE = 2;
    /** {@code sync} did not converge before {@code --timeout}. */
    static final int NOT_CONVERGED = 3;
    /**
     * {@code status}: the node answered but is not healthy (no other member, a halted folder, open
     * problems): what a keepalived or load-balancer check tests.
     */
    static final int DEGRADED = io.syncnode.node.control.StatusText.DEGRADED;
    /**
     * {@code diff}: this node and a peer differ (0: identical). Not 1 as diff(1) has it: 1 is an
     * error here (a peer that could not be asked), which a script must tell apart from a difference.
     */
    static final int DIFFERENT = 5;

    private ExitCode() {
    }
}
