package io.syncnode.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * On a failing test (or a failing setup), prints the last lines of the log of every node still
 * registered, before {@code @AfterEach}/{@code @AfterAll} stop them; then rethrows.
 */
public final class LogTailsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    static final int LINES = 60;

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        print(context, t);
        throw t;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        print(context, t);
        throw t;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        print(context, t);
        throw t;
    }

    private static void print(ExtensionContext context, Throwable t) {
        StringBuilder b = new StringBuilder("\n===== " + context.getDisplayName() + " failed: " + t + "\n");
        for (NodeProcess n : NodeProcess.REGISTERED) {
            b.append("----- last ").append(LINES).append(" lines of ").append(n).append(" log ").append(n.log()).append('\n')
                    .append(n.logTail(LINES)).append('\n');
        }
        System.out.println(b);
    }
}
