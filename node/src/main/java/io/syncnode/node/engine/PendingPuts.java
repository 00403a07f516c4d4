package io.syncnode.node.engine;

import io.syncnode.protocol.StatSignature;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The buffered index changes of a folder in the order they were made, one per path, with the
 * lookups the scanner and the applier make while thousands are pending (a burst, a full scan):
 * by path prefix, by hard-link first name and by inode, each without walking all of them.
 */
final class PendingPuts {
    private record Inode(long dev, long ino) {
    }

    private final LinkedHashMap<String, IndexBuffer.Put> byPath = new LinkedHashMap<>();
    private final TreeSet<String> sorted = new TreeSet<>();
    private final Map<String, Set<String>> byFirstName = new HashMap<>();
    private final Map<Inode, Set<String>> byInode = new HashMap<>();
    /** The bytes of inline content the pending changes hold. */
    private long inlineBytes;

    IndexBuffer.Put get(String path) {
        return byPath.get(path);
    }

    boolean contains(String path) {
        return byPath.containsKey(path);
    }

    /** Removes the path's pending change; returns it, or null. */
    IndexBuffer.Put remove(String path) {
        IndexBuffer.Put before = byPath.remove(path);
        if (before != null) {
            sorted.remove(path);
            unindex(byFirstName, firstName(before), path);
            unindex(byInode, inode(before), path);
            inlineBytes -= inlineLength(before);
        }
        return before;
    }

    /** Adds a change of a path that has none pending (call {@link #remove} first); it goes last. */
    void add(IndexBuffer.Put p) {
        String path = p.record().path();
        if (byPath.putIfAbsent(path, p) != null) {
            throw new IllegalStateException("a change of " + path + " is pending already");
        }
        sorted.add(path);
        index(byFirstName, firstName(p), path);
        index(byInode, inode(p), path);
        inlineBytes += inlineLength(p);
    }

    /** The live pending changes strictly under {@code dir}, in path order. */
    List<IndexBuffer.Put> liveUnder(String dir) {
        // every path with the prefix "dir/" sorts from "dir/" up to (not incl.) "dir0" ('0' follows '/')
        return live(sorted.subSet(dir + "/", true, dir + "0", false));
    }

    /** The live pending changes whose record names {@code first} as its hard-link group's first name. */
    List<IndexBuffer.Put> liveLinkingTo(String first) {
        return live(byFirstName.getOrDefault(first, Set.of()));
    }

    /** The live pending changes whose stat signature is inode {@code ino} on {@code dev}. */
    List<IndexBuffer.Put> liveOnInode(long dev, long ino) {
        return live(byInode.getOrDefault(new Inode(dev, ino), Set.of()));
    }

    Collection<IndexBuffer.Put> inOrder() {
        return byPath.values();
    }

    int size() {
        return byPath.size();
    }

    /** The bytes of inline content (small files' content, announced with their records) pending. */
    long inlineBytes() {
        return inlineBytes;
    }

    boolean isEmpty() {
        return byPath.isEmpty();
    }

    void clear() {
        byPath.clear();
        sorted.clear();
        byFirstName.clear();
        byInode.clear();
        inlineBytes = 0;
    }

    private static int inlineLength(IndexBuffer.Put p) {
        return p.inline() == null ? 0 : p.inline().length;
    }

    private List<IndexBuffer.Put> live(Collection<String> paths) {
        List<IndexBuffer.Put> out = new ArrayList<>();
        for (String path : paths) {
            IndexBuffer.Put p = byPath.get(path);
            if (!p.record().deleted()) {
                out.add(p);
            }
        }
        return out;
    }

    private static String firstName(IndexBuffer.Put p) {
        return p.record().hardLink();
    }

    private static Inode inode(IndexBuffer.Put p) {
        StatSignature s = p.stat();
        return s == null ? null : new Inode(s.dev(), s.ino());
    }

    private static <K> void index(Map<K, Set<String>> map, K key, String path) {
        if (key != null) {
            map.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(path);
        }
    }

    private static <K> void unindex(Map<K, Set<String>> map, K key, String path) {
        if (key == null) {
            return;
        }
        Set<String> paths = map.get(key);
        if (paths != null && paths.remove(path) && paths.isEmpty()) {
            map.remove(key);
        }
    }
}
