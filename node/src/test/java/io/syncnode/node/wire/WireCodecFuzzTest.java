package io.syncnode.node.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzz target (Jazzer) for {@link WireCodec#decode}, the door every peer's bytes
 * come through. Any input must decode to an envelope or be refused with a {@link WireException},
 * and what decodes must survive being sent on: encoded again it decodes to the same message (a
 * fetch abort's detail is escaped once more on each trip, so only its kind is compared).
 *
 * <p>Under {@code mvn test} this replays the corpus in
 * {@code src/test/resources/io/syncnode/node/wire/WireCodecFuzzTestInputs/decode/}: valid
 * envelopes of every kind, malformed ones, and every input a fuzzing run found failing. To fuzz:
 * {@code scripts/fuzz wire [SECONDS]} (README, "Property tests and fuzzing").
 */
class WireCodecFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] bytes) {
        Envelope first;
        try {
            first = WireCodec.decode(bytes);
        } catch (WireException refused) {
            return;
        }
        Envelope again;
        try {
            again = WireCodec.decode(WireCodec.encode(first.senderId(), first.senderName(), first.sentAtMs(),
                    first.message()));
        } catch (WireException e) {
            throw new AssertionError("a decoded " + first.message().getClass().getSimpleName()
                    + " does not decode once encoded again: " + e.getMessage(), e);
        }
        if (first.message() instanceof Message.FetchAbort) {
            assertEquals(first.message().getClass(), again.message().getClass());
        } else {
            WireCodecTest.assertSameMessage(first.message(), again.message());
        }
    }
}
