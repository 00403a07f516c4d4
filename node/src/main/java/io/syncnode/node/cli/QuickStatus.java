package io.syncnode.node.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.syncnode.node.control.ControlLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code status}'s quick path, for the health checks that call it every few seconds: the plain forms
 * {@code status [-c FILE | --config FILE | --config=FILE] [--json]} are answered without the
 * command-line model, the configuration loader or a JSON binding (each costs a JVM start more than
 * the whole answer): the control socket's path comes from the one {@code state-dir} line of the
 * file's {@code [node]} table, and the node renders the answer ({@code "render"}, see
 * {@code ControlVerb.STATUS}). Anything else (another form, a file whose {@code state-dir} is not one
 * plain line, no node, a refusal, an older node) returns null, and {@link Main} takes the full path,
 * which prints what it always printed. Stateless; thread-safe.
 */
final class QuickStatus {
    /** The one form of the key this reader trusts: {@code state-dir = "ABSOLUTE PATH"}, no escapes. */
    private static final Pattern STATE_DIR = Pattern.compile(
            "^[ \\t]*state-dir[ \\t]*=[ \\t]*(?:\"([^\"\\\\]*)\"|'([^']*)')[ \\t]*(#.*)?$");
    /** As {@code NodeCommand.ANSWER_TIMEOUT} (not read from there: that class makes a JSON binding). */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TABLE = Pattern.compile("^[ \\t]*\\[[ \\t]*([A-Za-z0-9_-]+)[ \\t]*][ \\t]*(#.*)?$");

    private QuickStatus() {
    }

    /** Answers {@code args} and returns the exit code, or null when the full path must answer. */
    static Integer run(String[] args, UnaryOperator<String> env, PrintStream out) {
        if (args.length == 0 || !args[0].equals("status")) {
            return null;
        }
        Path config = null;
        boolean json = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--json") && !json) {
                json = true;
            } else if ((a.equals("-c") || a.equals("--config")) && config == null && i + 1 < args.length
                    && !args[i + 1].startsWith("-")) {
                config = Path.of(args[++i]);
            } else if (a.startsWith("--config=") && config == null && a.length() > "--config=".length()) {
                config = Path.of(a.substring("--config=".length()));
            } else {
                return null;
            }
        }
        if (config == null) {
            String named = env.apply(ConfigOption.ENV);
            config = named == null || named.isBlank() ? ConfigOption.DEFAULT : Path.of(named);
        }
        try {
            Path stateDir = stateDir(Files.readString(config));
            if (stateDir == null) {
                return null;
            }
            String answer = ControlLine.exchange(stateDir.resolve("control.sock"),
                    "{\"verb\":\"status\",\"render\":\"" + (json ? "json" : "text") + "\"}", "status",
                    ANSWER_TIMEOUT);
            Rendered r = parse(answer);
            if (r == null) {
                return null;
            }
            out.print(r.output());
            return r.exit();
        } catch (IOException | RuntimeException e) {
            return null; // the full path says what is wrong, as it always has
        }
    }

    /**
     * The absolute {@code state-dir} of a config file's {@code [node]} table, when the file names
     * it on exactly one plain line there and nowhere else; else null.
     */
    static Path stateDir(String toml) {
        String table = "";
        Path found = null;
        int mentions = 0;
        for (String line : toml.split("\n", -1)) {
            line = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (line.contains("state-dir")) {
                mentions++;
            }
            Matcher t = TABLE.matcher(line);
            if (t.matches()) {
                table = t.group(1);
                continue;
            }
            if (line.stripLeading().startsWith("[")) {
                table = "?"; // an array of tables or a quoted/dotted header: not [node]
                continue;
            }
            Matcher m = STATE_DIR.matcher(line);
            if (m.matches() && table.equals("node")) {
                found = Path.of(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        return mentions == 1 && found != null && found.isAbsolute() ? found : null;
    }

    /** What the node rendered, and the exit code. */
    record Rendered(String output, int exit) {
    }

    /** {@code {"ok":true,"result":{"output":S,"exit":N}}}; null for any other answer. */
    static Rendered parse(String answer) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            boolean ok = false;
            String output = null;
            Integer exit = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken v = p.nextToken();
                if (field.equals("ok")) {
                    ok = v == JsonToken.VALUE_TRUE;
                } else if (field.equals("result") && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.getCurrentName();
                        JsonToken rv = p.nextToken();
                        if (f.equals("output") && rv == JsonToken.VALUE_STRING) {
                            output = p.getText();
                        } else if (f.equals("exit") && rv == JsonToken.VALUE_NUMBER_INT) {
                            exit = p.getIntValue();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            return ok && output != null && exit != null ? new Rendered(output, exit) : null;
        }
    }
}
