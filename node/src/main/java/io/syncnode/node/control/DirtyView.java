package io.syncnode.node.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** {@code dirty --json} element: {"folder", "path", "peer", "since"} (since: ISO-8601). */
public record DirtyView(String folder, String path, String peer, String since) {

    /**
     * One page of {@code dirty} ({@code dirty --json --limit N}): {"entries": [DirtyView...], "total",
     * "more", "next"}. {@code total}: every entry of the asked folder (of all folders when none was
     * named); {@code more}: entries after this page; {@code next}: the position to ask for the next
     * page with ({@code FOLDER/PATH}, the page's last path), null on the last page.
     */
    public record Page(List<DirtyView> entries, long total, long more, String next) {
        public Page {
            entries = List.copyOf(entries);
        }
    }

    /**
     * The {@code dirty} verb's answer: without {@code limit} and {@code after}, an array of every
     * entry (the first shape, kept for its readers); with {@code "limit": N} (0: all) and/or
     * {@code "after": "FOLDER/PATH"}, one {@link Page}, read from the index a page at a time.
     */
    static JsonNode answer(ControlHandler handler, String folder, JsonNode limit, String after, ObjectMapper json)
            throws ControlVerb.BadRequest, ControlHandler.ControlException {
        boolean noLimit = limit == null || limit.isNull();
        if (noLimit && after == null) {
            return json.valueToTree(handler.dirty(folder));
        }
        if (!noLimit && (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.asInt() < 0)) {
            throw new ControlVerb.BadRequest("\"limit\" must be a whole number from 0 (all), not " + limit);
        }
        return json.valueToTree(handler.dirtyPage(folder, after, noLimit ? 0 : limit.asInt()));
    }
}
