package io.flowpulse.cli;

import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.ml.classify.LabelledTable;
import io.flowpulse.records.ModelUpdate;
import io.flowpulse.records.codec.ByteBuffers;
import io.flowpulse.records.codec.Codecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Input files named on the command line, checked before a command starts its work: a missing file
 * or a directory is a usage error (exit 2), an empty or unreadable one an input error (exit 1),
 * each one line naming the option and the file.
 */
public final class InputFiles {
    private InputFiles() {}

    /** {@code p} exists and is a regular file with content. */
    public static Path existingFile(Path p, String option) {
        if (p == null) {
            throw UserError.usage("Missing required option: '" + option + "'");
        }
        if (!Files.exists(p)) {
            throw UserError.usage("no such file: " + p + " (" + option + ")");
        }
        if (Files.isDirectory(p)) {
            throw UserError.usage(option + " " + p + " is a directory, not a file");
        }
        try {
            if (Files.size(p) == 0) {
                throw UserError.input(option + " " + p + " is empty");
            }
        } catch (IOException e) {
            throw UserError.input("cannot read " + p + ": " + e.getMessage(), e);
        }
        return p;
    }

    /** {@code p} exists (a file or a directory). */
    public static Path existing(Path p, String option) {
        if (p == null) {
            throw UserError.usage("Missing required option: '" + option + "'");
        }
        if (!Files.exists(p)) {
            throw UserError.usage("no such file or directory: " + p + " (" + option + ")");
        }
        return p;
    }

    /** A labelled CSV with at least one row and the label column (features: null = every numeric column). */
    public static LabelledTable labelledCsv(Path p, String option, String labelColumn, List<String> features) {
        existingFile(p, option);
        LabelledTable t;
        try {
            t = LabelledTable.fromCsv(p, labelColumn, features);
        } catch (IllegalArgumentException e) {
            throw UserError.input(p + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw UserError.input(p + " is not a readable CSV: " + e.getMessage(), e);
        }
        if (t.size() == 0) {
            throw UserError.input(p + " has no data rows (only a header)");
        }
        if (t.names.isEmpty()) {
            throw UserError.input(p + " has no numeric feature columns besides the label column '" + labelColumn + "'");
        }
        return t;
    }

    /** A signed model update file ({@code ./flowpulse train} writes them). */
    public static ModelUpdate modelUpdate(Path p, String option) {
        existingFile(p, option);
        try {
            return Codecs.MODEL_UPDATE.decode(Files.readAllBytes(p));
        } catch (Exception e) {
            throw UserError.input(p + " is not a model update file (" + option + "; ./flowpulse train writes them): "
                    + e.getMessage(), e);
        }
    }

    /** The classifier a model update carries. */
    public static ClassifierModel classifier(ModelUpdate u, Path from) {
        try {
            return ClassifierModels.decode(u.getFormat(), ByteBuffers.copy(u.getPayload()));
        } catch (Exception e) {
            throw UserError.input(from + ": the model's payload does not decode as " + u.getFormat() + ": " + e.getMessage(), e);
        }
    }

    /** A pcap or pcapng capture: its header is read once here so a wrong file is one line before any work. */
    public static Path capture(Path p, String option) {
        existingFile(p, option);
        try (io.flowpulse.sources.pcap.PcapReader r = io.flowpulse.sources.pcap.PcapReader.open(p)) {
            r.next();
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? "too short" : e.getMessage();
            throw UserError.input(p + " is not a readable pcap/pcapng capture (" + option + "): " + why, e);
        }
        return p;
    }
}
