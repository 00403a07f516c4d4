package io.syncnode.node.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it. */
final class MovingClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

    void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }

    /** {@code c} with this clock instead of its own. */
    FolderContext into(FolderContext c) {
        return new FolderContext(c.name(), c.root(), c.selfId(), c.selfName(), c.store(), c.buffer(), c.applier(), this,
                c.counters(), c.problems(), c.worker(), c.split(), c.ignored(), c.scanLater(), c.nodeName(), c.ioPool(),
                c.actions(), c.local());
    }
}
