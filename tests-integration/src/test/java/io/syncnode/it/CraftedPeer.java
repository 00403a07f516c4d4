package io.syncnode.it;

import com.google.protobuf.ByteString;
import io.syncnode.config.ConfigLoader;
import io.syncnode.config.JGroupsStack;
import io.syncnode.config.SyncnodeConfig;
import io.syncnode.node.cluster.JGroupsTransport;
import io.syncnode.node.seal.SealCounters;
import io.syncnode.node.seal.SealEngine;
import io.syncnode.node.trust.ClusterTrust;
import io.syncnode.node.wire.Envelope;
import io.syncnode.node.wire.Message;
import io.syncnode.node.wire.WireCodec;
import io.syncnode.node.wire.WireException;
import io.syncnode.wire.proto.CopyBlocks;
import io.syncnode.wire.proto.DeltaOp;
import io.syncnode.wire.proto.Digest;
import io.syncnode.wire.proto.FetchData;
import io.syncnode.wire.proto.FileInfo;
import io.syncnode.wire.proto.FileType;
import io.syncnode.wire.proto.FolderDigest;
import io.syncnode.wire.proto.IndexUpdate;
import io.syncnode.wire.proto.Version;
import io.syncnode.wire.proto.VersionCounter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * A member with valid credentials that sends messages the normal encoder never would (issue 12,
 * the findings of the security audit, sections 2 and 5): a main program run as its own JVM in a
 * network namespace of its own, on the real stack (the node's {@link JGroupsTransport} with a
 * {@link SealEngine} built from its credentials, as {@link HostilePeer}), building its envelopes
 * straight from the generated protobuf classes.
 *
 * <pre>CraftedPeer CONFIG VICTIM</pre>
 *
 * It joins, waits until it has heard VICTIM (its digest: its node id), prints
 * {@code crafted: ready}, then reads one command a line from stdin and prints
 * {@code crafted: sent COMMAND} when it has sent it; stdin closed: it leaves. Every command ends
 * with a harmless announcement of {@code ok-COMMAND.txt} (a positive control: it arrives when the
 * crafted messages before it went through the victim's stack).
 * <ul>
 * <li>{@code escape ABSOLUTE}: three IndexUpdates, one file each: {@code ../escaped.txt},
 * ABSOLUTE, {@code .syncnode-tmp.x/y};
 * <li>{@code ahead}: {@code ahead-max.txt} with VICTIM's counter at 2^63-1, {@code ahead-far.txt}
 * with its own counter 2^33 s ahead of the clock;
 * <li>{@code digest}: one Digest listing folder "data" 200,000 times;
 * <li>{@code many}: an IndexUpdate of 10,001 small files;
 * <li>{@code huge}: to VICTIM, an envelope of 65 MiB, more than the 64 MiB a node decodes (an
 * IndexUpdate whose one file is inline);
 * <li>{@code frag}: a FRAG2 fragment claiming 2^30 fragments ({@link RawFragment}, below FRAG2);
 * <li>{@code opens}: the first fragment (60,000 bytes) of {@value #OPENS} messages of 3 fragments
 * each, and never the rest (FRAG2 would keep 120 MB of them);
 * <li>{@code overlimit}: to VICTIM, an envelope of {@code WireCodec.MAX_ENVELOPE + 1} bytes (an
 * IndexUpdate whose one file is inline): within the fragments a node reassembles, refused once whole;
 * <li>{@code oversize}: announces {@code oversize.bin} (100,000 bytes, not inline); to the fetch
 * request it answers 16 chunks of a 1 MiB literal and then 8,192 copies of block 0 each, never last;
 * <li>{@code flood}: announces {@code flood.bin} (10 MiB); to the fetch request it answers 5,000
 * chunks of 2 KiB at once, ignoring the credit (together less than the file, so that only the
 * credit can stop them: with 64 KiB chunks a receiver that kept pace, which hashing on a thread of
 * its own made it do now and then, hit the file's size first);
 * <li>{@code bigchunks}: announces {@code bigchunks.bin} (1 GiB); to the fetch request it answers
 * 8 chunks (the credit) of 8 literals of 1 MiB each.
 * </ul>
 */
public final class CraftedPeer {
    static final Duration LEARN = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final int OVERSIZE_SIZE = 100_000;
    static final int FLOOD_SIZE = 10 << 20;
    /** FetchData messages of 8 literals of 1 MiB each that {@code bigchunks} sends: the receiver's credit. */
    static final int BIG_CHUNKS = 8;
    /** More than the largest envelope a node decodes (64 MiB): 1,136 fragments of 60,000 bytes. */
    static final int HUGE = 65 << 20;
    /** Messages {@code opens} starts and never finishes. */
    static final int OPENS = 2000;

    private final Map<String, Long> ids = new ConcurrentHashMap<>();
    private final ExecutorService sender = Executors.newSingleThreadExecutor();
    private final long selfId = new SecureRandom().nextLong() | 1L;
    private String self;
    private String victim;
    private JGroupsTransport transport;

    private CraftedPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CraftedPeer CONFIG VICTIM");
            System.exit(2);
        }
        Thread watchdog = new Thread(() -> {
            LockSupport.parkNanos(LIFETIME.toNanos());
            say("lifetime of " + LIFETIME + " over; exiting");
            Runtime.getRuntime().halt(3);
        }, "crafted-lifetime");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            new CraftedPeer().run(ConfigLoader.load(Path.of(args[0])), args[1]);
        } catch (Throwable t) {
            say("FAILED: " + t);
            t.printStackTrace();
            System.exit(5); // JGroups' threads would keep the JVM alive
        }
        System.exit(0);
    }

    private void run(SyncnodeConfig config, String victimName) throws Exception {
        self = config.node().name();
        victim = victimName;
        String folder = config.folders().get(0).name();
        Clock clock = Clock.systemUTC();
        ClusterTrust trust = ClusterTrust.load(config.cluster(), self, clock.instant());
        SealEngine engine = new SealEngine(trust.credentials(), trust.revoked(), clock, System::nanoTime,
                new SecureRandom(), new SealCounters(), Duration.ofHours(1).toNanos());
        String stack = JGroupsStack.forCluster(config.cluster())
                .replaceFirst("(?m)^(\\s*)<FRAG2", "$1<" + RawFragment.class.getName() + "/>\n$1<FRAG2");
        transport = new JGroupsTransport(stack, config.cluster().name(), self,
                new JGroupsTransport.Listener() {
                    @Override
                    public void onMessage(String fromName, byte[] payload) {
                        heard(fromName, payload);
                    }

                    @Override
                    public void onView(List<String> members, boolean merge, java.util.Set<String> restarted) {
                        say("view " + members);
                    }
                }, engine);
        transport.connect();
        say("joined as " + self + " id=" + Long.toHexString(selfId));
        long deadline = System.nanoTime() + LEARN.toNanos();
        while (!ids.containsKey(victim)) {
            if (System.nanoTime() - deadline > 0) {
                say("FAILED: did not hear " + victim + " within " + LEARN);
                System.exit(4);
            }
            // our digest makes the victim greet us with its own
            transport.multicast(envelope().setDigest(Digest.newBuilder()).build().toByteArray());
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        say("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.strip().split(" ", 2);
            if (cmd[0].isEmpty()) {
                continue;
            }
            switch (cmd[0]) {
                case "escape" -> {
                    for (String p : List.of("../escaped.txt", cmd[1], ".syncnode-tmp.x/y")) {
                        send(update(folder, inlineFile(p, selfVersion(), "escaping " + p + "\n")));
                    }
                }
                case "ahead" -> {
                    send(update(folder, inlineFile("ahead-max.txt", version(ids.get(victim), Long.MAX_VALUE), "max\n")));
                    send(update(folder, inlineFile("ahead-far.txt",
                            version(selfId, System.currentTimeMillis() / 1000 + (1L << 33)), "far\n")));
                }
                case "digest" -> {
                    Digest.Builder d = Digest.newBuilder();
                    FolderDigest fd = FolderDigest.newBuilder().setFolder(folder)
                            .setDigest(ByteString.copyFrom(new byte[32])).setRecords(1).build();
                    for (int i = 0; i < 200_000; i++) {
                        d.addFolders(fd);
                    }
                    send(envelope().setDigest(d).build().toByteArray());
                }
                case "many" -> {
                    IndexUpdate.Builder u = IndexUpdate.newBuilder().setFolder(folder);
                    for (int i = 0; i <= WireCodec.MAX_FILES_PER_UPDATE; i++) {
                        u.addFiles(inlineFile(String.format("many-%05d.txt", i), selfVersion(), "one of many\n"));
                    }
                    send(envelope().setIndexUpdate(u).build().toByteArray());
                }
                case "huge" -> sendTo(victim, hugeEnvelope(folder, HUGE));
                case "frag" -> RawFragment.INSTANCE.sendFragmentClaiming(1 << 30, new byte[1000]);
                case "opens" -> RawFragment.INSTANCE.startMessages(OPENS, 3, new byte[60_000]);
                case "overlimit" -> sendTo(victim, envelopeOf(folder, WireCodec.MAX_ENVELOPE + 1));
                case "oversize" -> send(update(folder, bigFile("oversize.bin", OVERSIZE_SIZE)));
                case "flood" -> send(update(folder, bigFile("flood.bin", FLOOD_SIZE)));
                case "bigchunks" -> send(update(folder, bigFile("bigchunks.bin", 1 << 30)));
                default -> {
                    say("unknown command " + line);
                    continue;
                }
            }
            String ok = "ok-" + cmd[0] + ".txt";
            send(update(folder, inlineFile(ok, selfVersion(), "after " + cmd[0] + "\n")));
            say("sent " + cmd[0]);
        }
        transport.close();
        say("left");
    }

    /** Notes who is heard; answers fetch requests for the files the fetch commands announced. */
    private void heard(String from, byte[] payload) {
        Envelope env;
        try {
            env = WireCodec.decode(payload);
        } catch (WireException e) {
            say("undecodable message from " + from + ": " + e.getMessage());
            return;
        }
        if (ids.putIfAbsent(env.senderName(), env.senderId()) == null) {
            say("heard " + env.senderName() + " id=" + Long.toHexString(env.senderId()));
        }
        if (env.message() instanceof Message.FetchRequest r) {
            sender.execute(() -> serve(from, r));
        } else if (env.message() instanceof Message.FetchAbort a) {
            say("abort from " + from + ": " + a.reason() + " " + a.detail());
        }
    }

    private void serve(String to, Message.FetchRequest r) {
        try {
            say("fetch request from " + to + " for " + r.path() + " credit " + r.credit());
            if (r.path().equals("oversize.bin")) {
                byte[] mib = new byte[1 << 20];
                java.util.Arrays.fill(mib, (byte) 'x');
                int seq = 0;
                for (; seq < 16; seq++) {
                    sendTo(to, data(r.transferId(), seq, List.of(DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(mib)).build())));
                }
                DeltaOp copy = DeltaOp.newBuilder().setCopy(CopyBlocks.newBuilder().setFirstBlock(0).setCount(1)).build();
                for (int i = 0; i < 4; i++, seq++) {
                    sendTo(to, data(r.transferId(), seq, java.util.Collections.nCopies(WireCodec.MAX_OPS_PER_CHUNK, copy)));
                }
            } else if (r.path().equals("bigchunks.bin")) {
                DeltaOp mib = DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(new byte[1 << 20])).build();
                for (int seq = 0; seq < BIG_CHUNKS; seq++) { // within the credit
                    sendTo(to, data(r.transferId(), seq, java.util.Collections.nCopies(8, mib)));
                }
            } else if (r.path().equals("flood.bin")) {
                byte[] chunk = new byte[2 << 10];
                java.util.Arrays.fill(chunk, (byte) 'f');
                for (int seq = 0; seq < 5000; seq++) {
                    sendTo(to, data(r.transferId(), seq, List.of(DeltaOp.newBuilder().setLiteral(ByteString.copyFrom(chunk)).build())));
                }
            }
            say("served " + r.path());
        } catch (Exception e) {
            say("serving " + r.path() + ": " + e);
        }
    }

    private byte[] data(long transferId, int seq, List<DeltaOp> ops) {
        return envelope().setFetchData(FetchData.newBuilder().setTransferId(transferId).setSeq(seq).addAllOps(ops)
                .setLast(false)).build().toByteArray();
    }

    private void sendTo(String member, byte[] payload) throws Exception {
        if (!transport.send(member, payload)) {
            throw new IllegalStateException(member + " is not a member");
        }
    }

    private void send(byte[] payload) throws Exception {
        if (!transport.multicast(payload)) {
            throw new IllegalStateException("multicast refused");
        }
    }

    private io.syncnode.wire.proto.Envelope.Builder envelope() {
        return io.syncnode.wire.proto.Envelope.newBuilder().setProtocolVersion(WireCodec.PROTOCOL_VERSION)
                .setSenderId(selfId).setSenderName(self).setSentAtMs(System.currentTimeMillis());
    }

    private byte[] update(String folder, FileInfo file) {
        return envelope().setIndexUpdate(IndexUpdate.newBuilder().setFolder(folder).addFiles(file)).build().toByteArray();
    }

    /**
     * An envelope of at least {@code bytes} bytes: an IndexUpdate of one file {@code huge.bin} whose
     * inline content (zeros) makes up the rest, written straight into one array (the peer's heap
     * holds it once).
     */
    private byte[] hugeEnvelope(String folder, int bytes) throws java.io.IOException {
        byte[] head = envelope().build().toByteArray();
        byte[] info = file("huge.bin", bytes, sha256(new byte[0]), selfVersion()).setHasInlineContent(true).build()
                .toByteArray();
        int content = bytes;
        int infoLen = info.length + com.google.protobuf.CodedOutputStream.computeTagSize(14)
                + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(content) + content;
        int updateLen = com.google.protobuf.CodedOutputStream.computeStringSize(1, folder)
                + com.google.protobuf.CodedOutputStream.computeTagSize(2)
                + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(infoLen) + infoLen;
        int total = head.length + com.google.protobuf.CodedOutputStream.computeTagSize(10)
                + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(updateLen) + updateLen;
        byte[] out = new byte[total];
        com.google.protobuf.CodedOutputStream o = com.google.protobuf.CodedOutputStream.newInstance(out);
        o.writeRawBytes(head);
        o.writeTag(10, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(updateLen);
        o.writeString(1, folder);
        o.writeTag(2, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(infoLen);
        o.writeRawBytes(info);
        o.writeTag(14, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(content);
        o.flush();
        if (o.spaceLeft() != content) {
            throw new IllegalStateException("huge envelope: " + o.spaceLeft() + " bytes left for " + content);
        }
        return out; // the content: the zeros already there
    }

    /** An envelope of exactly {@code length} bytes (as {@link #hugeEnvelope}, its inline content sized to fit). */
    private byte[] envelopeOf(String folder, int length) throws java.io.IOException {
        int content = length - 200;
        for (int i = 0; i < 4; i++) {
            byte[] e = hugeEnvelope(folder, content);
            if (e.length == length) {
                return e;
            }
            content += length - e.length;
        }
        throw new IllegalStateException("no envelope of exactly " + length + " bytes");
    }

    private Version selfVersion() {
        return version(selfId, System.currentTimeMillis() / 1000);
    }

    private static Version version(long node, long value) {
        return Version.newBuilder().addCounters(VersionCounter.newBuilder().setNodeId(node).setValue(value)).build();
    }

    private FileInfo.Builder file(String path, long size, byte[] hash, Version v) {
        return FileInfo.newBuilder().setPath(ByteString.copyFromUtf8(path)).setType(FileType.REGULAR).setMode(0644)
                .setMtimeNs(System.currentTimeMillis() * 1_000_000L).setSize(size).setHash(ByteString.copyFrom(hash))
                .setVersion(v).setModifiedBy(selfId);
    }

    private FileInfo inlineFile(String path, Version v, String text) {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        return file(path, content.length, sha256(content), v).setInlineContent(ByteString.copyFrom(content))
                .setHasInlineContent(true).build();
    }

    /** A regular file of {@code size} bytes announced without content: the victim must fetch it (and never gets it). */
    private FileInfo bigFile(String path, long size) {
        return file(path, size, sha256(path.getBytes(StandardCharsets.UTF_8)), selfVersion()).build();
    }

    private static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void say(String line) {
        System.out.println("crafted: " + line);
        System.out.flush();
    }
}
