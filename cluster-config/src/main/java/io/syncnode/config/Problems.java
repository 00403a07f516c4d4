package io.syncnode.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the rules send what they find wrong. {@link #throwing()} throws the first problem, which is
 * what {@link ConfigLoader#load} has always done; {@link #collecting()} keeps each one and lets the
 * reading go on with the next key, table or folder, for {@link ConfigLoader#check}. The rules are
 * the same code either way, so the first collected problem is the one {@code load} throws.
 */
final class Problems {
    /** One step of the reading that either yields its value or throws its first problem. */
    @FunctionalInterface
    interface Step<T> {
        T run() throws ConfigException;
    }

    /** A step without a value. */
    @FunctionalInterface
    interface Check {
        void run() throws ConfigException;
    }

    private final boolean collect;
    private final List<ConfigException> found = new ArrayList<>();

    private Problems(boolean collect) {
        this.collect = collect;
    }

    static Problems throwing() {
        return new Problems(false);
    }

    static Problems collecting() {
        return new Problems(true);
    }

    /** Throws {@code problem} or keeps it. */
    void report(ConfigException problem) throws ConfigException {
        if (!collect) {
            throw problem;
        }
        found.add(problem);
    }

    /** The value of {@code step}, or null after keeping its problem (when collecting). */
    <T> T attempt(Step<T> step) throws ConfigException {
        try {
            return step.run();
        } catch (ConfigException e) {
            report(e);
            return null;
        }
    }

    /** Runs {@code check}; false after keeping its problem (when collecting). */
    boolean verify(Check check) throws ConfigException {
        try {
            check.run();
            return true;
        } catch (ConfigException e) {
            report(e);
            return false;
        }
    }

    boolean any() {
        return !found.isEmpty();
    }

    List<ConfigException> all() {
        return List.copyOf(found);
    }
}
