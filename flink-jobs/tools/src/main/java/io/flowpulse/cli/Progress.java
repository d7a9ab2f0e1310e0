package io.flowpulse.cli;

/** Progress lines of long-running commands ({@code flowpulse | ...} on stdout). */
public final class Progress {
    private Progress() {}

    public static void say(String s) {
        System.out.println("flowpulse | " + s);
    }
}
