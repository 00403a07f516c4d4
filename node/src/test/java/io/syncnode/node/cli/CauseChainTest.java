package io.syncnode.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class CauseChainTest {
    @Test
    void joinsMessagesOfTheChain() {
        Exception e = new IllegalStateException("cannot join cluster lxc-ha",
                new IOException("bind 10.0.0.1:7800", new IOException("Address already in use")));
        assertEquals("cannot join cluster lxc-ha: bind 10.0.0.1:7800: Address already in use", CauseChain.describe(e));
    }

    @Test
    void skipsWrappersThatOnlyRepeatTheCause() {
        Exception e = new RuntimeException(new UncheckedIOException("index", new IOException("disk full")));
        assertEquals("index: disk full", CauseChain.describe(e));
    }

    @Test
    void namesTheClassWhenThereIsNoMessage() {
        assertEquals("NullPointerException", CauseChain.describe(new NullPointerException()));
    }
}
