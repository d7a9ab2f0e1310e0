package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowpulse.config.JobOptions;
import io.flowpulse.config.Operators;
import io.flowpulse.records.RawRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every node of the job graph must carry an explicit,
 * unique uid from {@link Operators}; a stateful operator without one fails this test.
 */
class OperatorUidTest {

    @Test
    void everyOperatorHasAStableUidFromTheOperatorsEnum() {
        assertUids(new Configuration());
    }

    @Test
    void bothDetectorBranchesHaveUidsWhenKeysAreSplitBetweenThem() {
        assertUids(org.apache.flink.configuration.Configuration.fromMap(java.util.Map.of(
                JobOptions.PORT_DETECTOR_OVERRIDES.key(), "core-1|*|*:stl,core-2|*|*:random-cut-forest,core-3|*|*:holt-winters")));
    }

    /** The savepoint tools ({@code io.flowpulse.savepoint}) read these operators' state by uid. */
    @Test
    void theOperatorsTheSavepointToolsReadCarryTheirUids() {
        StreamGraph graph = graph(Configuration.fromMap(java.util.Map.of(
                JobOptions.PORT_DETECTOR_OVERRIDES.key(), "core-1|*|*:stl,core-2|*|*:random-cut-forest,core-3|*|*:holt-winters")));
        Set<String> uids = graph.getStreamNodes().stream().map(StreamNode::getTransformationUID).collect(Collectors.toSet());
        for (Operators o : List.of(Operators.FLOW_CLASSIFIER, Operators.PORT_DETECTOR, Operators.PORT_STL_DETECTOR,
                Operators.PORT_RCF_DETECTOR, Operators.PORT_ROBUST_BAND_DETECTOR, Operators.FLOW_AGGREGATOR, Operators.PORT_RESAMPLER)) {
            assertTrue(uids.contains(o.uid()), o + " (" + o.uid() + ") not in the job graph: " + uids);
        }
    }

    private static StreamGraph graph(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<RawRecord> none = new DataGeneratorSource<>(i -> new RawRecord(), 0, TypeInformation.of(RawRecord.class));
        FlowpulseTopology.defineWorkflow(env, new FlowpulseSources(none, none, none, none),
                new FlowpulseSinks(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>()),
                conf);
        return env.getStreamGraph();
    }

    private void assertUids(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<RawRecord> none = new DataGeneratorSource<>(i -> new RawRecord(), 0, TypeInformation.of(RawRecord.class));
        FlowpulseTopology.defineWorkflow(env, new FlowpulseSources(none, none, none, none),
                new FlowpulseSinks(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>()),
                conf);
        StreamGraph graph = env.getStreamGraph();
        Set<String> known = Arrays.stream(Operators.values()).map(Operators::uid).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid == null) {
                missing.add(node.getOperatorName());
                continue;
            }
            // sinks expand into writer (+ committer) nodes whose uids derive from the sink's uid
            String base = uid.replaceAll("(: (Writer|Committer|Committer Operator|Global Committer))$", "");
            assertTrue(known.contains(base) || known.stream().anyMatch(base::startsWith),
                    "uid " + uid + " of " + node.getOperatorName() + " is not from the Operators enum");
            assertTrue(seen.add(uid), "duplicate uid " + uid);
        }
        assertEquals(List.of(), missing, "operators without uid");
    }

    @Test
    void uidsAreUniqueAndNeverBlank() {
        Set<String> uids = new HashSet<>();
        for (Operators o : Operators.values()) {
            assertTrue(!o.uid().isBlank() && uids.add(o.uid()), o.name());
        }
        assertEquals(JobOptions.TOPIC_FLOWS.defaultValue(), "flows");
    }
}
