package io.syncnode.protocol.delta;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Ways the property tests turn a basis into a target. */
enum Edit {
    IDENTICAL {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return basis.clone();
        }
    },
    INSERT {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return splice(basis, r.nextInt(basis.length + 1), 0, content.make(1 + r.nextInt(200), r));
        }
    },
    DELETE {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            int at = r.nextInt(basis.length + 1);
            return splice(basis, at, r.nextInt(basis.length - at + 1), new byte[0]);
        }
    },
    OVERWRITE {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            int at = r.nextInt(basis.length + 1);
            int len = r.nextInt(basis.length - at + 1);
            return splice(basis, at, len, content.make(len, r));
        }
    },
    /** One byte inserted at the start: every block boundary moves. */
    SHIFT_ONE {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return splice(basis, 0, 0, new byte[] {(byte) r.nextInt(256)});
        }
    },
    APPEND {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return splice(basis, basis.length, 0, content.make(1 + r.nextInt(500), r));
        }
    },
    TRUNCATE {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return Arrays.copyOf(basis, r.nextInt(basis.length + 1));
        }
    },
    EMPTY_TARGET {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return new byte[0];
        }
    },
    /** The target is unrelated to the basis and of another length. */
    UNRELATED {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            return Content.RANDOM.make(r.nextInt(2 * basis.length + 50), r);
        }
    },
    /** The two halves swap places: every block still exists, at another offset. */
    SWAP_HALVES {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            int cut = r.nextInt(basis.length + 1);
            byte[] target = new byte[basis.length];
            System.arraycopy(basis, cut, target, 0, basis.length - cut);
            System.arraycopy(basis, 0, target, basis.length - cut, cut);
            return target;
        }
    },
    /** A range of the basis repeated: the same blocks are copied more than once. */
    DUPLICATE_RANGE {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            int from = r.nextInt(basis.length + 1);
            int len = r.nextInt(basis.length - from + 1);
            return splice(basis, r.nextInt(basis.length + 1), 0, Arrays.copyOfRange(basis, from, from + len));
        }
    },
    /** Two to ten of the edits above, one after the other. */
    MANY {
        @Override
        byte[] apply(byte[] basis, SplittableRandom r, Content content) {
            Edit[] simple = {INSERT, DELETE, OVERWRITE, SHIFT_ONE, APPEND, TRUNCATE, DUPLICATE_RANGE};
            byte[] target = basis;
            for (int i = 2 + r.nextInt(9); i > 0; i--) {
                target = simple[r.nextInt(simple.length)].apply(target, r, content);
            }
            return target;
        }
    };

    abstract byte[] apply(byte[] basis, SplittableRandom r, Content content);

    static byte[] splice(byte[] data, int at, int remove, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length - remove + insert.length);
        out.write(data, 0, at);
        out.write(insert, 0, insert.length);
        out.write(data, at + remove, data.length - at - remove);
        return out.toByteArray();
    }
}
