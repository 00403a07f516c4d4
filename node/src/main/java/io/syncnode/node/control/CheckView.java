package io.syncnode.node.control;

import java.util.List;

/**
 * {@code check}'s answer: {"changed", "halted"}: how many paths were found changed and marked
 * dirty, and the checked folders that are (still) halted, with the reason {@code status} shows.
 * {@code check} never accepts a mass delete; {@code accept-deletes --folder F} does.
 */
public record CheckView(long changed, List<HaltedFolder> halted) {
    public CheckView {
        halted = List.copyOf(halted);
    }

    /** A folder that stays halted: {"folder", "reason"}. */
    public record HaltedFolder(String folder, String reason) {
    }
}
