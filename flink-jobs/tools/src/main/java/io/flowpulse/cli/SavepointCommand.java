package io.flowpulse.cli;

import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.jobs.FlowpulseTopology;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.Codecs;
import io.flowpulse.savepoint.FlowpulseSavepoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code ./flowpulse savepoint inspect PATH} and
 * {@code ./flowpulse savepoint set-model PATH --model FILE --out NEWPATH}: model rollouts by
 * savepoint, with the State Processor API. Rollback = start the job from the previous savepoint.
 */
public final class SavepointCommand implements Command {
    static final String USAGE = String.join("\n",
            "usage: ./flowpulse savepoint inspect PATH",
            "       ./flowpulse savepoint set-model PATH --model FILE --out NEWPATH [--signing-key-file FILE] [--allow-older]",
            "",
            "  inspect     the operators with state, the models in the classifier's broadcast state (id, kind,",
            "              version, created, format) and the per-key detector state (keys, bytes, last update/refit)",
            "  set-model   a new savepoint whose broadcast model state holds the signed model FILE (as written by",
            "              ./flowpulse train), everything else unchanged; a job started from NEWPATH serves it from",
            "              its first record. The model is verified with the job's validator (signature with",
            "              --signing-key-file or FLOWPULSE_MODEL_KEY, payload, feature schema) and must be newer",
            "              than the savepoint's version of the same model id unless --allow-older.",
            "              NEWPATH is self-contained; keep PATH: it is the rollback.");

    @Override
    public String name() {
        return "savepoint";
    }

    @Override
    public String summary() {
        return "inspect a savepoint (models, detector state) or write one with another model (set-model)";
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (args.length < 2 || args[1].startsWith("--")) {
            throw new CliArgs.UsageException("savepoint " + args[0] + " needs a savepoint PATH");
        }
        String path = args[1];
        String[] rest = Arrays.copyOfRange(args, 2, args.length);
        switch (args[0]) {
            case "inspect":
                CliArgs.parse(rest, Set.of(), Set.of());
                inspect(path, System.out);
                return 0;
            case "set-model":
                CliArgs a = CliArgs.parse(rest, Set.of("model", "out", "signing-key-file"), Set.of("allow-older"));
                ModelUpdate model = Codecs.MODEL_UPDATE.decode(Files.readAllBytes(Path.of(a.require("model"))));
                String rejection = setModel(path, model, a.require("out"), TrainCommand.signingKey(a), a.has("allow-older"), System.out);
                if (rejection != null) {
                    System.err.println("savepoint set-model: rejected " + model.getModelId() + " v" + model.getVersion() + ": " + rejection
                            + "; nothing written");
                    return 1;
                }
                return 0;
            default:
                throw new CliArgs.UsageException("unknown savepoint command '" + args[0] + "' (inspect, set-model)");
        }
    }

    /** Prints what the savepoint holds. */
    public static void inspect(String path, PrintStream out) throws Exception {
        List<FlowpulseSavepoints.OperatorSummary> ops = FlowpulseSavepoints.operators(path);
        long total = ops.stream().mapToLong(FlowpulseSavepoints.OperatorSummary::stateBytes).sum();
        out.printf("savepoint %s: %d operators, %,d bytes of state%n", path, ops.size(), total);
        out.printf("  %-40s %11s %8s %14s%n", "operator uid", "parallelism", "max-par", "state bytes");
        for (FlowpulseSavepoints.OperatorSummary o : ops) {
            if (o.stateBytes() > 0) {
                out.printf("  %-40s %11d %8d %,14d%n", o.uid(), o.parallelism(), o.maxParallelism(), o.stateBytes());
            }
        }
        out.printf("  (%d more operators without state)%n", ops.stream().filter(o -> o.stateBytes() == 0).count());

        List<ModelUpdate> models = FlowpulseSavepoints.models(path);
        out.printf("%nmodels in broadcast state (flow-classifier): %d%n", models.size());
        if (!models.isEmpty()) {
            out.printf("  %-24s %-16s %14s  %-24s %-16s %s%n", "id", "kind", "version", "created", "format", "signed");
            for (ModelUpdate m : models) {
                out.printf("  %-24s %-16s %14d  %-24s %-16s %s%n", m.getModelId(), m.getKind(), m.getVersion(),
                        Instant.ofEpochMilli(m.getCreatedMillis()), m.getFormat(), m.getSignature() == null ? "no" : "yes");
            }
        }
        long buffered = FlowpulseSavepoints.bufferedFlows(path);
        out.printf("flows buffered before a first model: %,d%n", buffered);

        List<FlowpulseSavepoints.DetectorSummary> detectors = FlowpulseSavepoints.detectors(path);
        out.printf("%nper-key detector state: %s%n", detectors.isEmpty() ? "none" : "");
        for (FlowpulseSavepoints.DetectorSummary d : detectors) {
            out.printf("  %s (%s): %,d keys, %,d bytes (%,d per key), %,d timers%n", d.operator().uid(), d.detector(), d.keys(),
                    d.bytes(), d.keys() == 0 ? 0 : d.bytes() / d.keys(), d.timers());
            out.printf("    last update: oldest %s, newest %s%n", time(d.oldestUpdateMillis()), time(d.newestUpdateMillis()));
            if (d.refits() > 0) {
                out.printf("    refits: %,d; last refit oldest %s, newest %s%n", d.refits(), time(d.oldestRefitMillis()),
                        time(d.newestRefitMillis()));
            }
        }
    }

    /**
     * Verifies {@code model} as the job does and writes NEWPATH with it in broadcast state; returns
     * the rejection reason (nothing written) or null.
     */
    public static String setModel(String path, ModelUpdate model, String newPath, byte[] signingKey, boolean allowOlder,
            PrintStream out) throws Exception {
        if (model.getKind() != ModelKind.FLOW_CLASSIFIER) {
            return "kind " + model.getKind() + " is not served from the classifier's broadcast state";
        }
        ModelUpdateValidator validator = new ModelUpdateValidator(signingKey, FlowpulseTopology.classifierFeatures());
        ModelUpdateValidator.Verdict verdict = validator.check(model, null);
        if (verdict.rejection != null) {
            return verdict.rejection;
        }
        List<ModelUpdate> models = new ArrayList<>(FlowpulseSavepoints.models(path));
        ModelUpdate previous = models.stream().filter(m -> m.getModelId().equals(model.getModelId())).findFirst().orElse(null);
        if (previous != null && model.getVersion() <= previous.getVersion() && !allowOlder) {
            return "version " + model.getVersion() + " is not newer than v" + previous.getVersion()
                    + " in the savepoint (a rollback is a start from the previous savepoint; --allow-older overrides)";
        }
        Path local = localPath(newPath);
        if (local != null && Files.exists(local)) {
            return newPath + " exists: give a new directory";
        }
        models.removeIf(m -> m.getModelId().equals(model.getModelId()));
        models.add(model);
        FlowpulseSavepoints.writeWithModels(path, models, newPath);
        out.printf("wrote %s: model %s v%d (%s)%s; every other state as in %s%n", newPath, model.getModelId(), model.getVersion(),
                model.getFormat(), previous == null ? " added" : " replaces v" + previous.getVersion(), path);
        return null;
    }

    /** The local directory of a path or file: URI, null for other file systems. */
    static Path localPath(String path) {
        java.net.URI uri = java.net.URI.create(path.replace(" ", "%20"));
        if (uri.getScheme() == null) {
            return Path.of(path);
        }
        return uri.getScheme().equals("file") ? Path.of(uri) : null;
    }

    private static String time(long millis) {
        return millis == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(millis).toString();
    }
}
