package io.flowpulse.functions;

/** Every {@link FlowFeatureAggregatorTest} case with a mini-batch of 2 flows (flushes when full, mid-stream). */
class FlowFeatureAggregatorSmallBatchTest extends FlowFeatureAggregatorTest {
    FlowFeatureAggregatorSmallBatchTest() {
        miniBatchFlows = 2;
    }
}
