package io.flowpulse.functions;

/** Every {@link FlowFeatureAggregatorTest} case with state written on every packet (no mini-batch). */
class FlowFeatureAggregatorWriteThroughTest extends FlowFeatureAggregatorTest {
    FlowFeatureAggregatorWriteThroughTest() {
        miniBatchFlows = 1;
    }
}
