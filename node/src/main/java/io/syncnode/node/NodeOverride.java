package io.syncnode.node;

import io.syncnode.node.control.ControlHandler.ControlException;
import io.syncnode.node.control.OverrideView;
import io.syncnode.node.engine.FolderOverride;
import io.syncnode.node.engine.FolderSync;
import io.syncnode.node.engine.IndexQueries;
import io.syncnode.node.engine.PeerDirectory;
import io.syncnode.node.index.PeerInfo;
import io.syncnode.node.wire.Message;
import io.syncnode.protocol.FileRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The {@code override} verb: rescans the folder here, asks every current member sharing it for its
 * records ({@link IndexQueries}, as {@code diff} does), and hands them to the folder
 * ({@link FolderSync#override}), whose new versions win wherever a member's differ. Stateless;
 * runs on the control connection's thread and waits for the steps.
 */
final class NodeOverride {
    private final Map<String, FolderSync> folders;
    private final IndexQueries queries;
    private final Supplier<Set<String>> members;
    private final String self;
    private final PeerDirectory peers;

    NodeOverride(Map<String, FolderSync> folders, IndexQueries queries, Supplier<Set<String>> members, String self,
                 PeerDirectory peers) {
        this.folders = folders;
        this.queries = queries;
        this.members = members;
        this.self = self;
        this.peers = peers;
    }

    OverrideView override(FolderSync f) throws ControlException {
        String folder = f.name();
        if (f.haltReason() != null) {
            throw new ControlException("folder " + folder + " is halted (" + f.haltReason() + "); settle that first");
        }
        List<String> sharing = members.get().stream().filter(m -> !m.equals(self) && f.sharedWith(m)).sorted().toList();
        if (sharing.isEmpty()) {
            throw new ControlException("no other member shares folder " + folder + " now; nothing to override (see"
                    + " `syncnode peers`)");
        }
        try {
            f.check(List.of()).get(NodeDiff.MAX_WAIT_MINUTES, TimeUnit.MINUTES); // the tree as it is now
            if (f.haltReason() != null) {
                throw new ControlException("the rescan before the override halted folder " + folder + ": "
                        + f.haltReason());
            }
            List<List<FileRecord>> theirs = new ArrayList<>();
            for (String member : sharing) {
                theirs.add(NodeDiff.wait(queries.ask(member, folder, List.of(), false), member, folder).stream()
                        .map(Message.Announced::record).toList());
            }
            FolderOverride.Result r = f.override(theirs).get(NodeDiff.MAX_WAIT_MINUTES, TimeUnit.MINUTES);
            List<String> absent = peers.all().stream().map(PeerInfo::name)
                    .filter(n -> !sharing.contains(n) && f.sharedWith(n)).sorted().toList();
            return new OverrideView(folder, sharing, r.replaced(), r.removed(), absent);
        } catch (ExecutionException e) {
            throw new ControlException("cannot override folder " + folder + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new ControlException("cannot override folder " + folder + ": not done within "
                    + NodeDiff.MAX_WAIT_MINUTES + " min");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlException("interrupted while overriding folder " + folder);
        }
    }
}
