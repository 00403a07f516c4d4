package io.syncnode.it;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The views a node logged ({@code cluster view ID: [n1, n2]} and {@code partition healed, merged
 * view ID: [...]}, one INFO line each), read from its log file: when each view was installed, to
 * the millisecond, without asking the node. Status polls cost a JVM start each; the log tells the
 * exact moment.
 */
public final class ViewLog {
    private static final Pattern LINE = Pattern.compile(
            "^(\\S+Z) INFO .*?(partition healed, merged view|cluster view) (\\S+): \\[([^\\]]*)]");

    /** One installed view. */
    public record Entry(Instant at, boolean merge, String viewId, Set<String> members) {
    }

    private ViewLog() {
    }

    /** The views {@code n} logged since {@code since} (exclusive), oldest first. */
    public static List<Entry> since(NodeProcess n, Instant since) {
        return n.logText().lines().map(ViewLog::parse).filter(e -> e != null && e.at().isAfter(since)).toList();
    }

    /** The last view {@code n} logged, or null. */
    public static Entry last(NodeProcess n) {
        List<Entry> all = since(n, Instant.EPOCH);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    static Entry parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return null;
        }
        Set<String> members = new TreeSet<>();
        Arrays.stream(m.group(4).split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(members::add);
        return new Entry(Instant.parse(m.group(1)), m.group(2).startsWith("partition"), m.group(3), members);
    }
}
