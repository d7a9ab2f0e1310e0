package io.flowpulse.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of this JVM's threads during a run, by thread name: where a run's process CPU went
 * (task threads by their operator chain, the rest of the JVM's Java threads, and what no Java thread
 * accounts for: GC, JIT, VM). Task threads end with their job, so the run samples the cumulative
 * CPU time of every live thread while it waits ({@link #sample}) and keeps each thread's last value.
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> atStart = new HashMap<>();
    private final Map<Long, Long> last = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    /** The JVM's own threads (GC, JIT), which no ThreadMXBean lists: /proc/self/task ticks at start and last seen (Linux). */
    private final Map<String, Long> nativeAtStart = new HashMap<>();
    private final Map<String, Long> nativeLast = new HashMap<>();
    private final Map<String, String> nativeGroup = new HashMap<>();
    /** Threads whose name says they are not the GC's or the JIT's: their name is not read again. */
    private final java.util.Set<String> notNative = new java.util.HashSet<>();
    private static final java.nio.file.Path TASKS = java.nio.file.Path.of("/proc/self/task");
    /** Clock ticks per second of /proc stat times (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    ThreadCpu() {
        if (mx.isThreadCpuTimeSupported() && !mx.isThreadCpuTimeEnabled()) {
            mx.setThreadCpuTimeEnabled(true);
        }
        for (long id : mx.getAllThreadIds()) {
            long t = mx.getThreadCpuTime(id);
            if (t >= 0) {
                atStart.put(id, t);
            }
        }
        readNative(nativeAtStart);
        sample();
    }

    /** Notes the cumulative CPU time of every live thread. */
    synchronized void sample() {
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long t = mx.getThreadCpuTime(ids[i]);
            if (t >= 0 && infos[i] != null) {
                last.put(ids[i], t);
                names.putIfAbsent(ids[i], group(infos[i].getThreadName()));
            }
        }
        readNative(nativeLast);
    }

    /** The GC's and the JIT's threads by their native names: "jvm gc" or "jvm jit", else not a JVM-internal thread. */
    static final String GC = "jvm gc";
    static final String JIT = "jvm jit";

    static String nativeGroup(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
            return GC; // the VM thread runs the safepoint operations, mostly collections here
        }
        if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre") || comm.startsWith("Sweeper thread")) {
            return JIT;
        }
        return null;
    }

    /** utime + stime ticks of every GC/JIT thread of this process (nothing where /proc is missing). */
    private void readNative(Map<String, Long> into) {
        if (!java.nio.file.Files.isDirectory(TASKS)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(TASKS)) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                String tid = t.getFileName().toString();
                if (notNative.contains(tid)) {
                    continue;
                }
                try {
                    String g = nativeGroup.get(tid);
                    if (g == null) {
                        g = nativeGroup(java.nio.file.Files.readString(t.resolve("comm")).trim());
                        if (g == null) {
                            notNative.add(tid);
                            continue;
                        }
                        nativeGroup.put(tid, g);
                    }
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    into.put(tid, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime (fields 14, 15)
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended between listing and reading
                }
            }
        } catch (java.io.IOException e) {
            // no per-thread figures: the JVM's share stays one "jvm" figure
        }
    }

    /** A task thread's operator chain without its subtask index; other threads without their numbers. */
    static String group(String name) {
        java.util.regex.Matcher m = TASK.matcher(name);
        return m.matches() ? "task " + m.group(1) : name.replaceAll("\\d+", "#");
    }

    private static final java.util.regex.Pattern TASK = java.util.regex.Pattern.compile("(.*) \\(\\d+/\\d+\\)#\\d+");

    /** Seconds of CPU per thread group since construction, largest first, plus "jvm (gc, jit, vm)" = process - threads. */
    synchronized Map<String, Double> secondsByGroup(double processCpuSeconds) {
        Map<String, Double> by = new HashMap<>();
        double threads = 0;
        for (var e : last.entrySet()) {
            double s = (e.getValue() - atStart.getOrDefault(e.getKey(), 0L)) / 1e9;
            threads += s;
            by.merge(names.get(e.getKey()), s, Double::sum);
        }
        for (var e : nativeLast.entrySet()) {
            double s = (e.getValue() - nativeAtStart.getOrDefault(e.getKey(), 0L)) / TICKS;
            threads += s;
            by.merge(nativeGroup.get(e.getKey()), s, Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        by.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        sorted.put(nativeLast.isEmpty() ? "jvm (gc, jit, vm: process - java threads)" : "jvm other (process - threads above)",
                Math.max(0, processCpuSeconds - threads));
        return sorted;
    }

    /** One line: the groups above {@code minShare} of the process CPU, the rest summed. */
    static String summary(Map<String, Double> bySeconds, double processCpuSeconds, double minShare) {
        StringBuilder sb = new StringBuilder();
        double rest = 0;
        for (var e : bySeconds.entrySet()) {
            if (e.getValue() >= minShare * processCpuSeconds) {
                sb.append(sb.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()));
            } else {
                rest += e.getValue();
            }
        }
        return sb.append(String.format(Locale.ROOT, "; other threads %.1f", rest)).toString();
    }
}
