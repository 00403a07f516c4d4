package io.syncnode.node.action;

import java.time.Duration;

/** How one run of an action ended. */
public sealed interface ActionOutcome {
    /** Exit status 0. */
    record Succeeded() implements ActionOutcome {
    }

    /** A non-zero exit status (128 + N for a signal N, as a shell shows it). */
    record Failed(int status) implements ActionOutcome {
    }

    /** Still running at its timeout: it and everything in its process group were killed. */
    record TimedOut(Duration timeout) implements ActionOutcome {
    }

    /** The program could not be started (missing, not executable), or its output file not made. */
    record NotStarted(String reason) implements ActionOutcome {
    }
}
