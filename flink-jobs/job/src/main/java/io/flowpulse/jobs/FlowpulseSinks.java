package io.flowpulse.jobs;

import io.flowpulse.records.Alert;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.Classification;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.DeadLetter;
import io.flowpulse.records.FlowFeatures;
import io.flowpulse.records.PortPoint;
import org.apache.flink.api.connector.sink2.Sink;

/** The topology's outputs. Production passes Kafka sinks; tests pass collecting sinks. */
public record FlowpulseSinks(
        Sink<FlowFeatures> flows,
        Sink<PortPoint> portPoints,
        Sink<AnomalyScore> anomalies,
        Sink<Alert> alerts,
        Sink<DeadLetter> deadLetters,
        Sink<Classification> classifications,
        Sink<ModelEvent> modelEvents,
        Sink<FlowFeatures> unscoredFlows,
        Sink<io.flowpulse.records.AnnotationRequest> annotationRequests) {}
