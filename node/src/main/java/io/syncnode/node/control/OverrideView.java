package io.syncnode.node.control;

import java.util.List;

/**
 * {@code override}'s answer: {"folder", "members", "replaced", "removed", "absent"}: the members
 * whose records were overridden, how many paths this node's entry now wins on ({@code replaced})
 * and how many it has not and are removed everywhere ({@code removed}), and the known peers that
 * are not members now (their own changes made meanwhile meet this node's versions when they come
 * back, under the folder's conflict policy).
 */
public record OverrideView(String folder, List<String> members, long replaced, long removed, List<String> absent) {
}
