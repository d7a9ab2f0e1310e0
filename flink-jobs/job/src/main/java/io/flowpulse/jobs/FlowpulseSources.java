package io.flowpulse.jobs;

import io.flowpulse.records.RawRecord;
import org.apache.flink.api.connector.source.Source;

/**
 * The topology's inputs, undecoded. Production passes Kafka sources; tests pass bounded sources.
 * A null source leaves that input out of the job.
 */
public record FlowpulseSources(
        Source<RawRecord, ?, ?> packets,
        Source<RawRecord, ?, ?> flowRecords,
        Source<RawRecord, ?, ?> portSamples,
        Source<RawRecord, ?, ?> models) {}
