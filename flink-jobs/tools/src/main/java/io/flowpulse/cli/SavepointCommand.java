package io.flowpulse.cli;

import io.flowpulse.functions.ModelUpdateValidator;
import io.flowpulse.jobs.FlowpulseTopology;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.savepoint.FlowpulseSavepoints;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./flowpulse savepoint inspect PATH} and
 * {@code ./flowpulse savepoint set-model PATH --model FILE --out NEWPATH}: model rollouts by
 * savepoint, with the State Processor API. Rollback = start the job from the previous savepoint.
 */
@Command(name = "savepoint",
        description = "inspect a savepoint (models, detector state) or write one with another model (set-model)",
        subcommands = {SavepointCommand.Inspect.class, SavepointCommand.SetModel.class})
public final class SavepointCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a sub-command: the usage on stderr, exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return UserError.USAGE;
    }

    @Command(name = "inspect", description = {"the operators with state, the models in the classifier's broadcast state "
            + "(id, kind, version, created, format) and the per-key detector state (keys, bytes, last update/refit)"})
    static final class Inspect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH", description = "savepoint directory (or a file:, s3:, ... URI)")
        String path;

        @Override
        public Integer call() throws Exception {
            inspect(existingSavepoint(path), System.out);
            return 0;
        }
    }

    @Command(name = "set-model", description = {"a new savepoint whose broadcast model state holds the signed model FILE "
            + "(as written by ./flowpulse train), everything else unchanged; a job started from NEWPATH serves it from its "
            + "first record. The model is verified with the job's validator (signature, payload, feature schema) and must be "
            + "newer than the savepoint's version of the same model id unless --allow-older. NEWPATH is self-contained; "
            + "keep PATH: it is the rollback."})
    static final class SetModel implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PATH", description = "savepoint to start from")
        String path;

        @Option(names = "--model", required = true, paramLabel = "FILE", description = "signed model update (./flowpulse train)")
        Path modelFile;

        @Option(names = "--out", required = true, paramLabel = "NEWPATH", description = "the new savepoint (must not exist)")
        String out;

        @Mixin
        SigningKeyOptions signing;

        @Option(names = "--allow-older", description = "accept a version not newer than the savepoint's")
        boolean allowOlder;

        @Override
        public Integer call() throws Exception {
            existingSavepoint(path);
            byte[] key = signing.key();
            ModelUpdate model = InputFiles.modelUpdate(modelFile, "--model");
            String rejection = setModel(path, model, out, key, allowOlder, System.out);
            if (rejection != null) {
                throw UserError.input("rejected " + model.getModelId() + " v" + model.getVersion() + ": " + rejection
                        + "; nothing written");
            }
            return 0;
        }
    }

    /** A local savepoint path must exist (remote ones are checked by the reader). */
    static String existingSavepoint(String path) {
        Path local;
        try {
            local = localPath(path);
        } catch (IllegalArgumentException e) {
            throw UserError.usage("'" + path + "' is not a savepoint path or URI");
        }
        if (local != null && !Files.isDirectory(local)) {
            throw UserError.usage(Files.exists(local) ? path + " is not a savepoint directory" : "no savepoint at " + path);
        }
        return path;
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
