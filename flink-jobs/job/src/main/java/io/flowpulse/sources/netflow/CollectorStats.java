package io.flowpulse.sources.netflow;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link NetFlowDecoder} has seen, summed over exporters, plus the lost export records per
 * exporter session (sequence-number gaps). Not thread-safe: one decoder, one thread.
 */
public final class CollectorStats {
    public long datagrams;
    public long flowRecords;
    /** Datagrams that went to dead letters (malformed, unknown version, ...). */
    public long undecodable;
    public long templates;
    public long optionsTemplates;
    public long templatesWithdrawn;
    public long templatesExpired;
    public long optionsRecords;
    /** Data sets that arrived before their template and waited for it. */
    public long dataSetsBuffered;
    /** Buffered data sets decoded once their template arrived. */
    public long dataSetsDecodedLate;
    /** Buffered data sets dropped: no template arrived in time, or the buffer was full. */
    public long dataSetsDroppedWithoutTemplate;
    /** Sequence numbers that went backwards (exporter restart or reordering): resynchronised, not counted as loss. */
    public long sequenceResets;
    /** Flow records (IPFIX, v5) or export packets (v9) missing according to sequence numbers, over all exporters. */
    public long sequenceGap;
    /** Data records without a pair of IP addresses (e.g. layer-2 templates): not flows flowpulse can key. */
    public long recordsWithoutAddresses;
    /** Records whose start/end time had to be approximated (relative times without a reference). */
    public long timesApproximated;
    /** Sequence gaps per exporter session ("address/domain (version)"). */
    public final Map<String, Long> gapsPerExporter = new TreeMap<>();

    void gap(String session, long missing) {
        sequenceGap += missing;
        gapsPerExporter.merge(session, missing, Long::sum);
    }

    @Override
    public String toString() {
        return String.format("%,d datagrams, %,d flow records, %,d undecodable; templates %,d (+%,d options, %,d withdrawn,"
                + " %,d expired), %,d options records; data before template: %,d sets buffered, %,d decoded late, %,d dropped;"
                + " sequence gaps %,d (resets %,d)%s", datagrams, flowRecords, undecodable, templates, optionsTemplates,
                templatesWithdrawn, templatesExpired, optionsRecords, dataSetsBuffered, dataSetsDecodedLate,
                dataSetsDroppedWithoutTemplate, sequenceGap, sequenceResets,
                gapsPerExporter.isEmpty() ? "" : " " + gapsPerExporter);
    }
}
