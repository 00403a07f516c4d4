package io.syncnode.node.cluster;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import org.jgroups.BytesMessage;
import org.jgroups.util.ByteArrayDataInputStream;

/**
 * A {@link BytesMessage} read from an opened packet whose payload stays where it was decrypted:
 * {@link #readPayload} takes the range of the packet's array instead of copying it into a new one
 * (a fragment is about 60 KB). Read only from a {@link ByteArrayDataInputStream} over an array
 * that nothing else uses ({@link SealProtocol} owns the received packet's array). Above the seal
 * layer it is an ordinary bytes message: offset and length are set, copies are plain
 * {@code BytesMessage}s sharing the range, and FRAG2 copies fragments out when it reassembles.
 */
final class OpenedBytesMessage extends BytesMessage {

    @Override
    public void readPayload(DataInput in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return;
        }
        ByteArrayDataInputStream src = (ByteArrayDataInputStream) in;
        int pos = src.position();
        if (len > src.limit() - pos) {
            throw new EOFException("a payload of " + len + " bytes in an opened packet with " + (src.limit() - pos)
                    + " left");
        }
        array = src.buffer();
        offset = pos;
        length = len;
        src.skipBytes(len); // not position(pos + len): it refuses the limit itself
    }
}
