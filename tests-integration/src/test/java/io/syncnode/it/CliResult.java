package io.syncnode.it;

import java.util.List;

/** One finished CLI call: its arguments, exit code, stdout and stderr. */
public record CliResult(List<String> args, int exit, String out, String err) {
    @Override
    public String toString() {
        return "syncnode " + String.join(" ", args) + " -> exit " + exit + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
}
