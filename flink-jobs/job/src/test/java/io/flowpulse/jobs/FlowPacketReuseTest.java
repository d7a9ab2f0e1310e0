package io.flowpulse.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.flowpulse.config.Operators;
import io.flowpulse.records.RawRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packets decode step reuses its {@code FlowPacket}s from record to record (issue 13): safe only
 * while every consumer of its main output is across a network edge, which serializes each packet
 * inside {@code collect}. A chained consumer (a map or filter added after the decode, a forward edge)
 * would see the same object overwritten by the next record: this test fails first.
 */
class FlowPacketReuseTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void noConsumerOfTheDecodedPacketsIsChainedToTheDecoder(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        DataGeneratorSource<RawRecord> none = new DataGeneratorSource<>(i -> new RawRecord(), 0, TypeInformation.of(RawRecord.class));
        FlowpulseTopology.defineWorkflow(env, new FlowpulseSources(none, none, none, none),
                new FlowpulseSinks(new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(),
                        new DiscardingSink<>(), new DiscardingSink<>()),
                new Configuration());
        StreamGraph graph = env.getStreamGraph();
        StreamNode decode = graph.getStreamNodes().stream()
                .filter(n -> Operators.PACKETS_DECODE.uid().equals(n.getTransformationUID())).findFirst().orElseThrow();
        List<StreamEdge> main = decode.getOutEdges().stream().filter(e -> e.getOutputTag() == null).toList();
        assertEquals(1, main.size(), "consumers of the decoded packets: " + main);
        for (StreamEdge e : main) {
            assertFalse(StreamingJobGraphGenerator.isChainable(e, graph),
                    "the decoded packets reach " + graph.getStreamNode(e.getTargetId()).getOperatorName()
                            + " chained: PacketDecodeFunction must not reuse its packets then");
            assertEquals(Operators.FLOW_AGGREGATOR.uid(), graph.getStreamNode(e.getTargetId()).getTransformationUID());
        }
    }
}
