package io.syncnode.node.control;

import java.util.List;

/**
 * {@code status --json}: {"node", "members", "folders": [...], "counters": {...}, "security": {...},
 * "view": {...}}. Fields may be added, never renamed or removed.
 */
public record StatusView(String node, List<String> members, List<FolderStatus> folders, Counters counters,
                         Security security, ViewStatus view, StartView start) {

    /** A running node's status (it has started: {@code start} is null). */
    public StatusView(String node, List<String> members, List<FolderStatus> folders, Counters counters,
                      Security security, ViewStatus view) {
        this(node, members, folders, counters, security, view, null);
    }

    /**
     * While the node starts (its control socket answers at once, before the first scans end and it
     * joins): the phase, {@code "starting"}, {@code "scanning"} or {@code "joining"}, and each
     * folder's first scan. Null once the node runs.
     */
    public record StartView(String phase, List<ScanView> scans) {
    }

    /**
     * One folder's full scan: entries walked and bytes hashed so far, the rate (entries per
     * second), the entries the index held when it began ({@code expected}; 0 on a first start) and
     * the seconds left at this rate ({@code etaSeconds}; null when not known, 0 when done).
     */
    public record ScanView(String folder, boolean running, long entries, long bytesHashed, long entriesPerSecond,
                           long expected, Long etaSeconds) {
    }

    /**
     * Why this node is not healthy, one phrase per reason, empty when it is: still starting, no
     * other member in its view, a folder halted (a safety check stopped it: root vanished, mass delete), a folder with
     * open per-path problems. What {@code status} turns into its exit code (0 healthy, 4 degraded).
     * A paused folder is the operator's choice and not a reason; dirty entries and conflicts are
     * normal work.
     */
    public List<String> degradedBecause() {
        List<String> reasons = new java.util.ArrayList<>();
        if (start != null) {
            reasons.add("starting: " + start.phase());
        }
        if (members == null || members.size() < 2) {
            reasons.add("no other member in the view");
        }
        for (FolderStatus f : folders == null ? List.<FolderStatus>of() : folders) {
            if ("halted".equals(f.state())) {
                reasons.add("folder " + f.name() + " halted" + (f.problem() == null || f.problem().isBlank() ? ""
                        : ": " + f.problem()));
            }
            if (f.problems() > 0) {
                reasons.add("folder " + f.name() + ": " + f.problems() + " open problem" + (f.problems() == 1 ? "" : "s"));
            }
        }
        return reasons;
    }

    /**
     * The cluster view this node is in (the names in it are {@code members}) and the partitions it
     * healed.
     *
     * @param id          the JGroups view id, e.g. {@code "[n1|7]"}: the view's creator and counter
     *                    (null before the join)
     * @param coordinator the name of the view's coordinator (null when not known here yet)
     * @param lastMerge   when this node last installed a merged view, i.e. a partition healed
     *                    (ISO-8601), or null when none since the start
     * @param merges      merged views installed since the start
     * @param deadConnectionsClosed TCP connections closed because they went dead (this node sent,
     *                    nothing came back for 8 s: a partition); always 0 on udp
     * @param dropped     packets the transport dropped below syncnode's messages since the start,
     *                    by kind: fragmentHeader (a fragment with an impossible header),
     *                    fragmentsOpen (incomplete messages dropped as their member started
     *                    one beyond its bound), fragmentOfDropped (a later fragment of one),
     *                    unnamedSender (from a member whose name is not known)
     */
    public record ViewStatus(String id, String coordinator, String lastMerge, long merges, long deadConnectionsClosed,
                             java.util.Map<String, Long> dropped) {
        public ViewStatus(String id, String coordinator, String lastMerge, long merges, long deadConnectionsClosed) {
            this(id, coordinator, lastMerge, merges, deadConnectionsClosed, java.util.Map.of());
        }
    }

    /**
     * The cluster's admission and encryption as this node runs it.
     *
     * @param mode          "sealed" (credentials: every packet authenticated and encrypted),
     *                      "insecure" ({@code insecure = true}) or "loopback" (no credentials, bound to
     *                      a loopback address)
     * @param fingerprint   this node's certificate fingerprint (sealed only, else null)
     * @param trusted       fingerprints of the CAs this node trusts
     * @param keyGeneration this node's key generation: rises at every rotation ({@code rekey})
     * @param sessions      the members' sessions this node admitted; {@code ready} when both ends
     *                      hold each other's current keys
     * @param refused       packets refused by the seal layer, by reason: malformed, tampered,
     *                      replayed, unknownSender, badSignature, certificate, impersonation,
     *                      stale, throttled
     * @param traffic       packets this node sealed and messages it opened since it started
     *                      ("sealed", "opened"; of them the signed GROUP packets: "signed", "verified")
     */
    public record Security(String mode, String fingerprint, List<String> trusted, int keyGeneration,
                           List<Session> sessions, java.util.Map<String, Long> refused,
                           java.util.Map<String, Long> traffic) {
        public Security(String mode, String fingerprint, List<String> trusted, int keyGeneration, List<Session> sessions,
                        java.util.Map<String, Long> refused) {
            this(mode, fingerprint, trusted, keyGeneration, sessions, refused, java.util.Map.of());
        }
    }

    /** One admitted member session. */
    public record Session(String name, String session, int generation, boolean ready) {
    }

    /**
     * {@code state}: scanning, syncing, idle, halted, or paused (by {@code syncnode pause}; a halted
     * folder that is paused shows paused); {@code problem} explains a halt.
     * {@code lastHeal}: when a partition last healed (ISO-8601, or null); {@code sinceHeal}: how
     * many concurrent paths were met since then, per outcome (merged, kept-local, took-remote,
     * kept-both, manual, script). {@code type}: send-receive, send-only or receive-only (null: not
     * known); {@code locallyChanged}: the paths a receive-only folder changed here and does not
     * announce. {@code need}: what the folder still has to fetch from its peers ({@link Need});
     * {@code queued}: steps waiting on the folder's worker (scans, applies, answers).
     * {@code versions}: what the folder keeps of replaced and deleted files ({@link Versions}).
     */
    public record FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                               String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal,
                               List<PathProblem> problemList, List<ActionStatus> actions, String type,
                               long locallyChanged, Need need, long queued, Versions versions) {
        public FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                            String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal,
                            List<PathProblem> problemList, List<ActionStatus> actions, String type,
                            long locallyChanged, Need need, long queued) {
            this(name, path, files, dirty, conflicts, problems, state, problem, lastHeal, sinceHeal, problemList,
                    actions, type, locallyChanged, need, queued, Versions.NONE);
        }

        public FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                            String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal,
                            List<PathProblem> problemList, List<ActionStatus> actions, String type,
                            long locallyChanged) {
            this(name, path, files, dirty, conflicts, problems, state, problem, lastHeal, sinceHeal, problemList,
                    actions, type, locallyChanged, Need.NONE, 0);
        }

        public FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                            String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal,
                            List<PathProblem> problemList, List<ActionStatus> actions) {
            this(name, path, files, dirty, conflicts, problems, state, problem, lastHeal, sinceHeal, problemList,
                    actions, null, 0);
        }

        public FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                            String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal,
                            List<PathProblem> problemList) {
            this(name, path, files, dirty, conflicts, problems, state, problem, lastHeal, sinceHeal, problemList,
                    List.of());
        }

        public FolderStatus(String name, String path, long files, long dirty, long conflicts, long problems,
                            String state, String problem, String lastHeal, java.util.Map<String, Long> sinceHeal) {
            this(name, path, files, dirty, conflicts, problems, state, problem, lastHeal, sinceHeal, List.of());
        }
    }

    /**
     * A folder's kept versions ({@code [[folder]] versions}): the {@code mode} (none, trash, simple,
     * staggered), how many versions are {@code kept} and the {@code bytes} they take, and how many
     * times keeping one {@code failed} since the start (the apply went on without it).
     */
    public record Versions(String mode, long kept, long bytes, long failed) {
        public static final Versions NONE = new Versions("none", 0, 0, 0);
    }

    /**
     * What a folder still has to fetch from its peers (a new node's seed, a catch-up after an
     * absence): {@code files} and {@code bytes} of the versions queued, being fetched, waiting for
     * disk space or for a retry; how fast fetches completed over the last 10 s; {@code etaSeconds}
     * at that pace (the slower of the files' and the bytes' pace), null while nothing completed.
     */
    public record Need(long files, long bytes, long bytesPerSecond, double filesPerSecond, Long etaSeconds) {
        public static final Need NONE = new Need(0, 0, 0, 0, null);

        /**
         * One line for status, the log and systemd, e.g. {@code 1200 files (3.4 GiB) from peers;
         * 45.0 MB/s, 80.0 files/s; ETA 80 s} ({@code ETA unknown} while nothing completed).
         */
        public String describe() {
            return files + " file(s) (" + bytes(bytes) + ") from peers; " + String.format(java.util.Locale.ROOT,
                    "%.1f MB/s, %.1f files/s; ", bytesPerSecond / 1e6, filesPerSecond)
                    + (etaSeconds == null ? "ETA unknown" : "ETA " + etaSeconds + " s");
        }

        private static String bytes(long b) {
            if (b < 1 << 20) {
                return (b >> 10) + " KiB";
            }
            return b < 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f MiB", b / (double) (1 << 20))
                    : String.format(java.util.Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
    }

    /**
     * One {@code [[folder.action]]} since the start: {@code action} names it (e.g.
     * {@code "ct101 action[0] (nginx)"}), {@code runs} counts its runs, {@code failed} those that
     * exited non-zero, timed out or could not start; {@code pending}: changes wait for its debounce;
     * {@code running}: a run is under way.
     */
    public record ActionStatus(String action, long runs, long failed, boolean pending, boolean running) {
    }

    /**
     * One path with a problem (an apply that failed, an entry that keeps changing while it is read):
     * {@code problemList} holds the first {@value #PROBLEMS_LISTED} by path; {@code problems} counts them all.
     */
    public record PathProblem(String path, String problem) {
    }

    /** How many path problems {@code status} lists per folder. */
    public static final int PROBLEMS_LISTED = 20;

    /**
     * Since the node started. A quiet cluster shows no growth in announcements.
     * {@code bytesFetched}/{@code bytesServed} count content bytes that crossed the network as
     * literals; {@code wireBytesSent}/{@code wireBytesReceived} count every syncnode message's
     * encoded bytes (JGroups and TCP/IP headers not included); {@code inlineBytesSent}/
     * {@code inlineBytesReceived} count small files' content carried inside announcements. A
     * metadata-only change (chown, chmod, setfattr, touch) moves none of the four content counters.
     * {@code remoteIgnored} counts remote changes send-only folders did not apply;
     * {@code remoteRefused} those refused by a folder's {@code [folder.accept]} filter.
     * {@code tombstonesCollected} counts deleted paths' records dropped after every peer confirmed
     * them and {@code [cluster] tombstone-retention} passed.
     */
    public record Counters(long announcementsSent, long announcementsReceived, long recordsAnnounced,
                           long filesApplied, long bytesFetched, long bytesServed, long rescans,
                           long rejectedMessages, long wireBytesSent, long wireBytesReceived,
                           long inlineBytesSent, long inlineBytesReceived, long remoteIgnored,
                           long remoteRefused, long tombstonesCollected) {
        /** Counters without the tombstone one (a node that predates it). */
        public Counters(long announcementsSent, long announcementsReceived, long recordsAnnounced,
                        long filesApplied, long bytesFetched, long bytesServed, long rescans,
                        long rejectedMessages, long wireBytesSent, long wireBytesReceived,
                        long inlineBytesSent, long inlineBytesReceived, long remoteIgnored, long remoteRefused) {
            this(announcementsSent, announcementsReceived, recordsAnnounced, filesApplied, bytesFetched, bytesServed,
                    rescans, rejectedMessages, wireBytesSent, wireBytesReceived, inlineBytesSent, inlineBytesReceived,
                    remoteIgnored, remoteRefused, 0);
        }

        /** Counters without the trust ones (a node that predates them). */
        public Counters(long announcementsSent, long announcementsReceived, long recordsAnnounced,
                        long filesApplied, long bytesFetched, long bytesServed, long rescans,
                        long rejectedMessages, long wireBytesSent, long wireBytesReceived,
                        long inlineBytesSent, long inlineBytesReceived) {
            this(announcementsSent, announcementsReceived, recordsAnnounced, filesApplied, bytesFetched, bytesServed,
                    rescans, rejectedMessages, wireBytesSent, wireBytesReceived, inlineBytesSent, inlineBytesReceived,
                    0, 0);
        }
    }
}
