package io.syncnode.protocol.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaOpTest {

    @Test
    void replaysIntoASink() throws Exception {
        RecordingSink sink = new RecordingSink();
        List<DeltaOp> ops = List.of(new DeltaOp.Literal(new byte[] {1, 2}), new DeltaOp.Copy(7, 3));
        for (DeltaOp op : ops) {
            op.replay(sink);
        }
        assertEquals(ops, sink.ops);
    }

    @Test
    void literalsCompareByContentAndKeepTheirOwnCopy() {
        byte[] bytes = {1, 2, 3};
        DeltaOp.Literal literal = new DeltaOp.Literal(bytes);
        bytes[0] = 9;
        literal.bytes()[1] = 9;
        assertEquals(new DeltaOp.Literal(new byte[] {1, 2, 3}), literal);
        assertNotEquals(new DeltaOp.Literal(new byte[] {1, 2}), literal);
    }

    @Test
    void copiesRejectWhatTheWireCannotMean() {
        assertThrows(IllegalArgumentException.class, () -> new DeltaOp.Copy(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new DeltaOp.Copy(0, 0));
    }
}
