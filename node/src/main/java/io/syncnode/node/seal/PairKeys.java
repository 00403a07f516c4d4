package io.syncnode.node.seal;

import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two directional keys between one of this node's generations and one of a peer's, with the
 * send counter and the receive window. Unique to the two ephemeral keys, so a counter starting at
 * zero never repeats a nonce, and packets captured under older ephemeral keys never open again.
 */
final class PairKeys {
    final int myGen;
    final int theirGen;
    final SecretKey send;
    final SecretKey receive;
    final AtomicLong sendCounter = new AtomicLong();
    final ReplayWindow receiveWindow = new ReplayWindow(0);

    PairKeys(int myGen, int theirGen, byte[] send, byte[] receive) {
        this.myGen = myGen;
        this.theirGen = theirGen;
        this.send = new SecretKeySpec(send, "AES");
        this.receive = new SecretKeySpec(receive, "AES");
    }

    static long id(int myGen, int theirGen) {
        return ((long) myGen << 32) | (theirGen & 0xffffffffL);
    }
}
