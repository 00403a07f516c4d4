package io.syncnode.node.control;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics, read from one {@code status} and one {@code peers} answer per
 * scrape (so every figure of a scrape comes from the same moment), plus the apply-latency
 * histogram the engine feeds and the JVM's memory, GC and thread metrics. Names and labels:
 * <pre>
 * syncnode_healthy                       1 healthy, 0 degraded (the rule of status's exit code)
 * syncnode_members                       members in this node's view, itself included
 * syncnode_merges                        partitions healed since the start (merged views)
 * syncnode_folder_files{folder}          entries in the folder's index
 * syncnode_folder_dirty{folder}          dirty entries (what peers still have to confirm)
 * syncnode_folder_conflicts{folder}      open conflicts
 * syncnode_folder_problems{folder}       paths with an open problem
 * syncnode_folder_state{folder,state}    1 for the folder's state (scanning, syncing, idle, halted, paused)
 * syncnode_folder_need_files{folder}     files the folder still has to fetch from peers (a seed's queue)
 * syncnode_folder_need_bytes{folder}     their bytes
 * syncnode_folder_queued_steps{folder}   steps waiting on the folder's worker (scans, applies, answers)
 * syncnode_folder_versions_kept{folder}  versions the folder keeps of replaced and deleted files
 * syncnode_folder_versions_bytes{folder} their bytes
 * syncnode_folder_versions_failed{folder} versions that could not be kept since the start
 * syncnode_peer_member{peer}             1 when the peer is a member now, 0 when absent
 * syncnode_peer_dirty{peer}              dirty entries toward the peer
 * syncnode_*_total                       the counters of status (announcements, records, files
 *                                        applied, bytes fetched/served, wire and inline bytes in/out,
 *                                        rescans, rejected messages)
 * syncnode_seal_refused_packets_total{reason}  packets the seal layer refused, by reason
 * syncnode_transport_dropped_packets_total{kind}  packets the transport dropped below syncnode's
 *                                        messages, by kind (fragmentHeader, fragmentsOpen,
 *                                        fragmentOfDropped, unnamedSender)
 * syncnode_apply_latency_seconds         from a remote change's arrival to its apply (histogram)
 * syncnode_scan_duration_seconds{folder} full scans of the folder (start, rescan, check; histogram)
 * jvm_*                                  heap and non-heap memory, GC, threads, classes
 * </pre>
 * Not thread-safe: {@link HttpEndpoint} scrapes from its one thread; {@link #applied} may be called
 * from any thread.
 */
final class NodeMetrics {
    private static final List<String> STATES = List.of("starting", "scanning", "syncing", "idle", "halted", "paused");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram applyLatency;
    private final Histogram scanDuration;
    private StatusView status;
    private List<PeerView> peers = List.of();

    NodeMetrics() {
        gauge("syncnode_healthy", "1 when the node is healthy, 0 when degraded (no other member, a halted folder,"
                + " open problems)", s -> s.degradedBecause().isEmpty() ? 1 : 0);
        gauge("syncnode_members", "members in this node's cluster view, itself included",
                s -> s.members() == null ? 0 : s.members().size());
        gauge("syncnode_merges", "partitions healed since the start (merged views installed)",
                s -> s.view() == null ? 0 : s.view().merges());
        folderGauge("syncnode_folder_files", "entries in the folder's index", StatusView.FolderStatus::files);
        folderGauge("syncnode_folder_dirty", "dirty entries: changes peers still have to confirm",
                StatusView.FolderStatus::dirty);
        folderGauge("syncnode_folder_conflicts", "open conflicts", StatusView.FolderStatus::conflicts);
        folderGauge("syncnode_folder_problems", "paths with an open problem", StatusView.FolderStatus::problems);
        folderGauge("syncnode_folder_need_files", "files the folder still has to fetch from its peers",
                f -> f.need() == null ? 0 : f.need().files());
        folderGauge("syncnode_folder_need_bytes", "bytes of the files the folder still has to fetch from its peers",
                f -> f.need() == null ? 0 : f.need().bytes());
        folderGauge("syncnode_folder_queued_steps", "steps waiting on the folder's worker (scans, applies, answers)",
                StatusView.FolderStatus::queued);
        folderGauge("syncnode_folder_versions_kept", "versions the folder keeps of replaced and deleted files",
                f -> f.versions() == null ? 0 : f.versions().kept());
        folderGauge("syncnode_folder_versions_bytes", "bytes of the versions the folder keeps",
                f -> f.versions() == null ? 0 : f.versions().bytes());
        folderGauge("syncnode_folder_versions_failed", "versions that could not be kept since the start",
                f -> f.versions() == null ? 0 : f.versions().failed());
        GaugeWithCallback.builder().name("syncnode_folder_state").help("1 for the folder's current state")
                .labelNames("folder", "state").callback(cb -> {
                    for (StatusView.FolderStatus f : folders()) {
                        for (String state : STATES) {
                            cb.call(state.equals(f.state()) ? 1 : 0, f.name(), state);
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("syncnode_peer_member").help("1 when the peer is a member now, 0 when absent")
                .labelNames("peer").callback(cb -> peers.forEach(p -> cb.call(p.member() ? 1 : 0, p.name())))
                .register(registry);
        GaugeWithCallback.builder().name("syncnode_peer_dirty").help("dirty entries toward the peer")
                .labelNames("peer").callback(cb -> peers.forEach(p -> cb.call(p.dirty(), p.name())))
                .register(registry);
        counter("syncnode_announcements_sent", "announcements sent", StatusView.Counters::announcementsSent);
        counter("syncnode_announcements_received", "announcements received", StatusView.Counters::announcementsReceived);
        counter("syncnode_records_announced", "file records announced", StatusView.Counters::recordsAnnounced);
        counter("syncnode_files_applied", "remote changes applied", StatusView.Counters::filesApplied);
        counter("syncnode_fetched_bytes", "content bytes fetched from peers", StatusView.Counters::bytesFetched);
        counter("syncnode_served_bytes", "content bytes served to peers", StatusView.Counters::bytesServed);
        counter("syncnode_rescans", "full rescans", StatusView.Counters::rescans);
        counter("syncnode_rejected_messages", "messages refused as malformed or implausible",
                StatusView.Counters::rejectedMessages);
        counter("syncnode_wire_sent_bytes", "bytes this node sent to the cluster", StatusView.Counters::wireBytesSent);
        counter("syncnode_wire_received_bytes", "bytes this node received from the cluster",
                StatusView.Counters::wireBytesReceived);
        counter("syncnode_inline_sent_bytes", "small files' content sent inside announcements",
                StatusView.Counters::inlineBytesSent);
        counter("syncnode_inline_received_bytes", "small files' content received inside announcements",
                StatusView.Counters::inlineBytesReceived);
        counter("syncnode_remote_ignored", "remote changes a send-only folder did not apply",
                StatusView.Counters::remoteIgnored);
        counter("syncnode_remote_refused", "remote changes refused by a folder's accept filter",
                StatusView.Counters::remoteRefused);
        counter("syncnode_tombstones_collected", "deleted paths' records dropped after the tombstone retention",
                StatusView.Counters::tombstonesCollected);
        CounterWithCallback.builder().name("syncnode_seal_refused_packets")
                .help("packets the seal layer refused, by reason").labelNames("reason").callback(cb -> {
                    if (status != null && status.security() != null && status.security().refused() != null) {
                        for (Map.Entry<String, Long> e : status.security().refused().entrySet()) {
                            cb.call(e.getValue(), e.getKey());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("syncnode_transport_dropped_packets")
                .help("packets the transport dropped below syncnode's messages, by kind").labelNames("kind").callback(cb -> {
                    if (status != null && status.view() != null && status.view().dropped() != null) {
                        for (Map.Entry<String, Long> e : status.view().dropped().entrySet()) {
                            cb.call(e.getValue(), e.getKey());
                        }
                    }
                }).register(registry);
        applyLatency = Histogram.builder().name("syncnode_apply_latency_seconds")
                .help("seconds from a remote change's arrival at this node to its apply")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                        10, 30, 60, 300)
                .register(registry);
        scanDuration = Histogram.builder().name("syncnode_scan_duration_seconds")
                .help("seconds a full scan of the folder took (start, periodic rescan, check)").labelNames("folder")
                .classicOnly().classicUpperBounds(0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800)
                .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** One full scan of {@code folder}, {@code nanos} long (any thread). */
    void scanned(String folder, long nanos) {
        scanDuration.labelValues(folder).observe(nanos / 1e9);
    }

    /** One applied remote change, {@code nanos} after it arrived. */
    void applied(long nanos) {
        applyLatency.observe(nanos / 1e9);
    }

    /** The metrics as of {@code status} and {@code peers}. */
    MetricSnapshots scrape(StatusView status, List<PeerView> peers) {
        this.status = status;
        this.peers = peers == null ? List.of() : peers;
        return registry.scrape();
    }

    private List<StatusView.FolderStatus> folders() {
        return status == null || status.folders() == null ? List.of() : status.folders();
    }

    private void gauge(String name, String help, ToDoubleFunction<StatusView> value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            if (status != null) {
                cb.call(value.applyAsDouble(status));
            }
        }).register(registry);
    }

    private void folderGauge(String name, String help, ToDoubleFunction<StatusView.FolderStatus> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("folder")
                .callback(cb -> folders().forEach(f -> cb.call(value.applyAsDouble(f), f.name()))).register(registry);
    }

    private void counter(String name, String help, ToDoubleFunction<StatusView.Counters> value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> {
            if (status != null && status.counters() != null) {
                cb.call(value.applyAsDouble(status.counters()));
            }
        }).register(registry);
    }
}
