package io.syncnode.node.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;
    Path socket;
    FakeControlHandler handler;
    ControlServer server;

    @BeforeEach
    void start() throws IOException {
        socket = dir.resolve("state").resolve("control.sock");
        handler = new FakeControlHandler();
        server = new ControlServer(socket, handler);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ObjectNode request(String verb) {
        return json.createObjectNode().put("verb", verb);
    }

    private JsonNode call(ObjectNode request) throws IOException {
        return ControlClient.call(socket, request, TIMEOUT);
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> keys = new TreeSet<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void statusHasTheDesignShape() throws IOException {
        JsonNode status = call(request("status"));
        assertEquals(Set.of("node", "members", "folders", "counters", "security", "view", "start"), keys(status));
        assertEquals(Set.of("id", "coordinator", "lastMerge", "merges", "deadConnectionsClosed", "dropped"), keys(status.get("view")));
        assertEquals("2026-11-21T10:00:00Z", status.get("view").get("lastMerge").asText());
        assertEquals("alpha", status.get("node").asText());
        assertEquals("[\"alpha\",\"beta\"]", status.get("members").toString());
        JsonNode folder = status.get("folders").get(0);
        assertEquals(Set.of("name", "path", "files", "dirty", "conflicts", "problems", "state", "problem",
                "lastHeal", "sinceHeal", "problemList", "actions", "type", "locallyChanged", "need", "queued", "versions"),
                keys(folder));
        assertEquals("{\"mode\":\"none\",\"kept\":0,\"bytes\":0,\"failed\":0}", folder.get("versions").toString());
        assertEquals(Set.of("files", "bytes", "bytesPerSecond", "filesPerSecond", "etaSeconds"), keys(folder.get("need")));
        assertEquals("ct101", folder.get("name").asText());
        assertEquals(1200, folder.get("files").asLong());
        assertEquals("idle", folder.get("state").asText());
        assertTrue(folder.get("problem").isNull());
        assertEquals("root vanished: /etc/syncnode-shared", status.get("folders").get(1).get("problem").asText());
        assertEquals(Set.of("announcementsSent", "announcementsReceived", "recordsAnnounced", "filesApplied",
                "bytesFetched", "bytesServed", "rescans", "rejectedMessages", "wireBytesSent", "wireBytesReceived", "inlineBytesSent", "inlineBytesReceived", "remoteIgnored", "remoteRefused", "tombstonesCollected"),
                keys(status.get("counters")));
    }

    @Test
    void statusRoundTripsIntoTheRecord() throws IOException {
        assertEquals(handler.status, json.treeToValue(call(request("status")), StatusView.class));
    }

    @Test
    void peersIsAnArrayOfPeerViews() throws IOException {
        JsonNode peers = call(request("peers"));
        assertTrue(peers.isArray());
        assertEquals(Set.of("name", "address", "member", "dirty", "lastSeen", "clockOffsetMs", "version"),
                keys(peers.get(0)));
        assertEquals("{\"name\":\"beta\",\"address\":\"10.0.0.2:7800\",\"member\":true,\"dirty\":3,"
                + "\"lastSeen\":\"2026-11-21T10:00:00Z\",\"clockOffsetMs\":null,\"version\":\"0.1.0 (3f2a1bc)\"}",
                peers.get(0).toString());
        assertFalse(peers.get(1).get("member").asBoolean());
    }

    @Test
    void dirtyIsAnArrayOfDirtyViewsOfTheAskedFolder() throws IOException {
        JsonNode dirty = call(request("dirty").put("folder", "ct101"));
        assertEquals("[{\"folder\":\"ct101\",\"path\":\"rootfs/etc/hosts\",\"peer\":\"beta\","
                + "\"since\":\"2026-11-21T10:00:00Z\"},{\"folder\":\"ct101\",\"path\":\"config\",\"peer\":\"beta\","
                + "\"since\":\"2026-11-21T10:00:01Z\"}]", dirty.toString());
        assertEquals(0, call(request("dirty").put("folder", "etc")).size());
        assertEquals(List.of("dirty ct101", "dirty etc"), handler.calls);
    }

    @Test
    void dirtyWithoutFolderAsksForAll() throws IOException {
        assertEquals(2, call(request("dirty")).size());
        assertEquals(List.of("dirty null"), handler.calls);
    }

    @Test
    void checkPassesFolderAndPathsAndAnswersChanged() throws IOException {
        ObjectNode request = request("check").put("folder", "ct101");
        request.putArray("paths").add("rootfs/etc/hosts").add("config");
        assertEquals("{\"changed\":4,\"halted\":[]}", call(request).toString());
        assertEquals(List.of("check ct101 [rootfs/etc/hosts, config]"), handler.calls);
    }

    @Test
    void syncConvergedAnswersNothingRemaining() throws IOException {
        JsonNode result = call(request("sync").put("folder", "ct101").put("timeoutMs", 1500));
        assertEquals("{\"converged\":true,\"remaining\":0,\"entries\":[],\"paused\":[],\"skipped\":[]}",
                result.toString());
        assertEquals(List.of("sync ct101 1500"), handler.calls);
    }

    @Test
    void syncNamesSkippedPeersUnlessAllPeersIsAsked() throws IOException {
        handler.skipped = List.of(new SyncView.SkippedPeer("gamma", 12));
        assertEquals("[{\"peer\":\"gamma\",\"dirty\":12}]", call(request("sync")).get("skipped").toString());
        assertEquals("[]", call(request("sync").put("allPeers", true)).get("skipped").toString());
        assertEquals(List.of("sync null 60000", "sync null 60000 all-peers"), handler.calls);
    }

    @Test
    void versionsAnswersItsViewAndNeedsAPath() throws IOException {
        JsonNode v = call(request("versions").put("folder", "www").put("path", "index.html"));
        assertEquals("www", v.get("folder").asText());
        assertEquals("index.html", v.get("path").asText());
        assertEquals("{\"id\":\"20261206-071503-123\",\"keptAt\":\"2026-12-06T07:15:03.123Z\",\"size\":14,"
                + "\"mtime\":\"2026-12-06T07:10:00Z\",\"mode\":\"0640\",\"uid\":0,\"gid\":33,\"hash\":\""
                + "ab".repeat(32) + "\",\"replacedBy\":\"beta\",\"deleted\":true}", v.get("versions").get(0).toString());
        assertEquals(List.of("versions www index.html"), handler.calls);
        assertTrue(rawCall("{\"verb\":\"versions\",\"folder\":\"www\"}").contains("\\\"path\\\" is required"));
        assertTrue(rawCall("{\"verb\":\"versions\",\"path\":3}").contains("\\\"path\\\" must be a non-empty string"));
    }

    @Test
    void restoreTakesExactlyOneOfVersionAndTime() throws IOException {
        assertEquals("{\"folder\":\"www\",\"path\":\"a\",\"version\":\"v1\"}",
                call(request("restore").put("folder", "www").put("path", "a").put("version", "v1")).toString());
        call(request("restore").put("folder", "www").put("path", "a").put("atMs", 1234L));
        assertEquals(List.of("restore www a v1 null", "restore www a null 1234"), handler.calls);
        String both = rawCall("{\"verb\":\"restore\",\"path\":\"a\",\"version\":\"v1\",\"atMs\":1}");
        assertTrue(both.contains("exactly one of"), both);
        String neither = rawCall("{\"verb\":\"restore\",\"path\":\"a\"}");
        assertTrue(neither.contains("exactly one of"), neither);
        String badTime = rawCall("{\"verb\":\"restore\",\"path\":\"a\",\"atMs\":\"noon\"}");
        assertTrue(badTime.contains("must be an integer"), badTime);
        assertEquals(2, handler.calls.size(), "bad requests never reach the node");
    }

    @Test
    void revertAnswersItsViewAndNeedsAFolder() throws IOException {
        assertEquals("{\"folder\":\"www\",\"reverted\":2}", call(request("revert").put("folder", "www")).toString());
        assertEquals(List.of("revert www"), handler.calls);
        assertTrue(rawCall("{\"verb\":\"revert\"}").contains("revert needs \\\"folder\\\""));
    }

    @Test
    void checkNamesHaltedFolders() throws IOException {
        handler.halted = java.util.Map.of("ct101", "a scan found 25 of 30 files gone");
        assertEquals("{\"changed\":4,\"halted\":[{\"folder\":\"ct101\",\"reason\":\"a scan found 25 of 30 files gone\"}]}",
                call(request("check")).toString());
    }

    @Test
    void acceptDeletesAndForgetAnswerTheirViews() throws IOException {
        handler.massDeleteHalted = "ct101";
        assertEquals("{\"folder\":\"ct101\",\"accepted\":true,\"changed\":25}",
                call(request("accept-deletes").put("folder", "ct101")).toString());
        assertEquals("{\"peer\":\"gamma\",\"forgotten\":true,\"dirty\":12}",
                call(request("forget").put("peer", "gamma")).toString());
        assertEquals(List.of("accept-deletes ct101", "forget gamma"), handler.calls);
    }

    @Test
    void diffVerbsPassFolderPeerAndPathsAndRefuseMalformedRequests() throws IOException {
        ObjectNode diff = request("diff").put("folder", "ct101").put("peer", "beta");
        diff.putArray("paths").add("etc").add("root/.ssh");
        assertEquals("{\"node\":\"alpha\",\"compared\":[],\"differences\":[]}", call(diff).toString());
        assertEquals("[]", call(request("diff")).get("compared").toString());
        ObjectNode content = request("diff-content").put("folder", "ct101");
        content.putArray("paths").add("etc/hosts");
        assertEquals("[]", call(content).toString());
        assertEquals(List.of("diff ct101 beta [etc, root/.ssh]", "diff null null []", "diff-content ct101 null etc/hosts"),
                handler.calls);
        ControlRefusedException noPath = assertThrows(ControlRefusedException.class,
                () -> call(request("diff-content").put("folder", "ct101")));
        assertTrue(noPath.getMessage().contains("diff-content needs one path in \"paths\""), noPath.getMessage());
        ControlRefusedException noFolder = assertThrows(ControlRefusedException.class,
                () -> call(request("diff-content")));
        assertTrue(noFolder.getMessage().contains("diff-content needs \"folder\""), noFolder.getMessage());
        ControlRefusedException badPeer = assertThrows(ControlRefusedException.class,
                () -> call(request("diff").put("peer", 5)));
        assertTrue(badPeer.getMessage().contains("\"peer\" must be a non-empty string"), badPeer.getMessage());
    }

    @Test
    void syncNotConvergedListsWhatRemains() throws IOException {
        handler.syncConverges = false;
        JsonNode result = call(request("sync"));
        assertFalse(result.get("converged").asBoolean());
        assertEquals(2, result.get("remaining").asLong());
        assertEquals("rootfs/etc/hosts", result.get("entries").get(0).get("path").asText());
        assertEquals("sync null 60000", handler.calls.get(0));
    }

    @Test
    void syncOfAllFoldersLeavesPausedOnesOutAndNamesThem() throws IOException {
        handler.syncConverges = false;
        StatusView.FolderStatus ct101 = handler.status.folders().get(0);
        handler.status = new StatusView("alpha", List.of("alpha"), List.of(new StatusView.FolderStatus(ct101.name(),
                ct101.path(), 1200, 2, 0, 0, "paused", null, null, java.util.Map.of()),
                handler.status.folders().get(1)), handler.status.counters(), handler.status.security(),
                handler.status.view());
        handler.dirty = List.of(new DirtyView("ct101", "config", "beta", "2026-11-21T10:00:01Z"),
                new DirtyView("etc", "hosts", "beta", "2026-11-21T10:00:02Z"));
        JsonNode result = call(request("sync"));
        assertEquals("[\"ct101\"]", result.get("paused").toString());
        assertEquals(1, result.get("remaining").asLong(), "the paused folder's entries are not waited for");
        assertEquals("hosts", result.get("entries").get(0).get("path").asText());
    }

    @Test
    void pauseAndResumeSayWhetherTheyChangedAnything() throws IOException {
        assertEquals("{\"folder\":\"ct101\",\"paused\":true,\"changed\":true}",
                call(request("pause").put("folder", "ct101")).toString());
        assertEquals("{\"folder\":\"ct101\",\"paused\":true,\"changed\":false}",
                call(request("pause").put("folder", "ct101")).toString());
        assertEquals("{\"folder\":\"ct101\",\"paused\":false,\"changed\":true}",
                call(request("resume").put("folder", "ct101")).toString());
        assertEquals("{\"folder\":\"ct101\",\"paused\":false,\"changed\":false}",
                call(request("resume").put("folder", "ct101")).toString());
        assertEquals(List.of("pause ct101", "pause ct101", "resume ct101", "resume ct101"), handler.calls);
    }

    @Test
    void statusRenderedByTheNodeIsTheCliTextAndExitCode() throws IOException {
        JsonNode text = call(request("status").put("render", "text"));
        assertEquals(StatusText.render(handler.status), text.get("output").asText());
        assertEquals(4, text.get("exit").asInt(), "a halted folder: degraded");
        JsonNode json = call(request("status").put("render", "json"));
        JsonNode printed = new ObjectMapper().readTree(json.get("output").asText());
        assertEquals(false, printed.get("health").get("healthy").asBoolean());
        assertEquals(call(request("status")).get("folders"), printed.get("folders"));
        assertTrue(rawCall("{\"verb\":\"status\",\"render\":\"xml\"}")
                .contains("bad request: \\\"render\\\" must be \\\"text\\\" or \\\"json\\\""),
                rawCall("{\"verb\":\"status\",\"render\":\"xml\"}"));
    }

    @Test
    void pauseAndResumeNeedAFolder() throws IOException {
        assertTrue(rawCall("{\"verb\":\"pause\"}").contains("bad request: pause needs \\\"folder\\\""),
                rawCall("{\"verb\":\"pause\"}"));
        assertTrue(rawCall("{\"verb\":\"resume\",\"folder\":7}").contains("\\\"folder\\\" must be a non-empty string"));
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void controlExceptionBecomesARefusalWithItsMessage() {
        handler.refusal = "unknown folder 'nope'";
        ControlRefusedException e = assertThrows(ControlRefusedException.class,
                () -> call(request("check").put("folder", "nope")));
        assertEquals("unknown folder 'nope'", e.getMessage());
    }

    @Test
    void refusalIsOkFalseWithTheErrorOnTheWire() throws IOException {
        handler.refusal = "unknown folder 'nope'";
        assertEquals("{\"ok\":false,\"error\":\"unknown folder 'nope'\"}", rawCall("{\"verb\":\"sync\"}"));
        assertTrue(rawCall("{\"verb\":\"status\"}").startsWith("{\"ok\":true,\"result\":{\"node\":\"alpha\""));
    }

    @Test
    void aFailureInsideTheNodeIsARefusalNotACrash() throws IOException {
        handler.statusFailure = new IllegalStateException("index closed");
        ControlRefusedException e = assertThrows(ControlRefusedException.class, () -> call(request("status")));
        assertTrue(e.getMessage().contains("index closed"), e.getMessage());
        handler.statusFailure = null;
        assertEquals("alpha", call(request("status")).get("node").asText());
    }

    @Test
    void badRequestsAreRefusedWithAReason() throws IOException {
        assertTrue(rawCall("{\"verb\":\"explode\"}").contains("unknown verb 'explode'"));
        assertTrue(rawCall("not json").contains("bad request: not a JSON object"));
        assertTrue(rawCall("[1]").contains("bad request: not a JSON object"));
        assertTrue(rawCall("{\"verb\":\"status\"} {\"verb\":\"forget\"}").contains("bad request: not a JSON object"));
        assertTrue(rawCall("{\"verb\":\"status\"} junk").contains("bad request: not a JSON object"));
        assertTrue(rawCall("{\"verb\":\"sync\",\"timeoutMs\":-1}").contains("timeoutMs"));
        assertTrue(rawCall("{\"verb\":\"check\",\"paths\":\"x\"}").contains("paths"));
        assertTrue(rawCall("{}").contains("unknown verb (none)"));
        assertTrue(rawCall("{\"verb\":\"accept-deletes\"}").contains("accept-deletes needs \\\"folder\\\""));
        assertTrue(rawCall("{\"verb\":\"forget\"}").contains("forget needs \\\"peer\\\""));
        assertTrue(rawCall("{\"verb\":\"sync\",\"allPeers\":\"yes\"}").contains("allPeers"));
        assertTrue(rawCall("{\"verb\":\"accept_deletes\",\"folder\":\"ct101\"}").contains("known: status, peers,"));
        assertEquals(List.of(), handler.calls);
    }

    @Test
    void socketIsOwnerOnlyAndItsNewParentToo() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    }

    @Test
    void closeDeletesTheSocketFileAndClientsThenSeeNoNode() {
        server.close();
        assertFalse(Files.exists(socket));
        IOException e = assertThrows(IOException.class, () -> call(request("status")));
        assertTrue(e.getMessage().startsWith("no node is running for this config: cannot connect to " + socket),
                e.getMessage());
        server.close(); // idempotent
    }

    @Test
    void staleSocketFileIsReplaced() throws IOException {
        server.close();
        // a socket file whose node died: bound, then its channel closed without deleting the file
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(socket));
        dead.close();
        assertTrue(Files.exists(socket));
        IOException notRunning = assertThrows(IOException.class, () -> call(request("status")));
        assertTrue(notRunning.getMessage().startsWith("no node is running"), notRunning.getMessage());

        server = new ControlServer(socket, handler);
        server.start();
        assertEquals("alpha", call(request("status")).get("node").asText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
    }

    @Test
    void refusesToStartWhileAnotherNodeAnswers() throws IOException {
        ControlServer second = new ControlServer(socket, new FakeControlHandler());
        IOException e = assertThrows(IOException.class, second::start);
        assertTrue(e.getMessage().contains("already running"), e.getMessage());
        second.close();
        assertTrue(Files.exists(socket), "the running node's socket must survive");
        assertEquals("alpha", call(request("status")).get("node").asText());
    }

    @Test
    void refusesToReplaceSomethingThatIsNotASocket() throws IOException {
        Path file = dir.resolve("regular.sock");
        Files.writeString(file, "keep me");
        try (ControlServer other = new ControlServer(file, handler)) {
            IOException e = assertThrows(IOException.class, other::start);
            assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
        }
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            Thread t = new Thread(() -> {
                try {
                    for (int j = 0; j < 10; j++) {
                        call(request("peers"));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Iterator<Thread> it = threads.iterator(); it.hasNext(); ) {
            it.next().join(TIMEOUT.toMillis());
        }
        assertEquals(List.of(), failures);
        assertEquals(160, handler.calls.size());
    }

    /** Sends a raw line and returns the raw answer line. */
    private String rawCall(String line) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            while (channel.read(buffer) >= 0) {
                if (buffer.position() > 0 && buffer.get(buffer.position() - 1) == '\n') {
                    break;
                }
            }
            return new String(buffer.array(), 0, buffer.position() - 1, StandardCharsets.UTF_8);
        }
    }
}
