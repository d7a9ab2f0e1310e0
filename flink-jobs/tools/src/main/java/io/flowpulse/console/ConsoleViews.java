package io.flowpulse.console;

import java.util.List;
import java.util.Map;

/** What the console's JSON API answers: plain records, serialized by Jackson. */
public final class ConsoleViews {
    private ConsoleViews() {}

    /** One page of a longer list. */
    public record Page<T>(List<T> items, int total, int page, int size) {}

    /** A port key in the Ports list. state: ok, warning, critical or no data. */
    public record PortRow(String key, String device, String port, String direction, String state, long lastBucketMillis,
            double lastValue, double lastScore, int points, int anomalousPoints, String detector, String alertId) {}

    /** A port's held points as columns (uPlot's data layout), with the alert episodes of the key. */
    public static final class Series {
        public final long[] t;
        public final double[] value;
        public final double[] expected;
        public final double[] lower;
        public final double[] upper;
        public final double[] score;
        public final boolean[] anomalous;

        Series(int n) {
            t = new long[n];
            value = new double[n];
            expected = new double[n];
            lower = new double[n];
            upper = new double[n];
            score = new double[n];
            anomalous = new boolean[n];
        }
    }

    public record SeriesView(String key, String state, String detector, Series series, List<AlertView> episodes) {}

    /** One alert episode (the newest version of its alertId). */
    public record AlertView(String alertId, String key, String severity, String state, boolean open,
            long firstBucketMillis, long lastBucketMillis, int count, double peakScore, String modelId, long receivedMillis) {}

    public record AlertsView(Page<AlertView> page, int open, int critical, int warning, int held) {}

    /** A feature value of a flow to label; usedByModel when the serving model reads it. */
    public record FeatureValue(String name, double value, boolean usedByModel) {}

    public record RequestView(String requestId, String flow, String srcIp, int srcPort, String dstIp, int dstPort,
            int protocol, long flowStartMicros, String predictedLabel, Map<String, Double> probabilities, double score,
            String strategy, String modelId, long modelVersion, long requestedMillis, List<FeatureValue> features) {}

    /** The annotation queue: pending requests and the progress against the job's budget. */
    public record QueueView(Page<RequestView> page, long received, long labelled, long skipped, int pending,
            int budget, long budgetWindowMillis, long windowStartMillis, long windowRequests, long windowLabelled,
            List<String> labels, boolean readOnly, List<LabelView> recentLabels) {}

    public record LabelView(String requestId, String label, String annotator, long annotatedMillis) {}

    /** One version of a model seen on the models topic, with its card (what the payload says about itself). */
    public record ModelVersionView(String modelId, String kind, long version, long createdMillis, String format,
            Map<String, Double> metrics, int payloadBytes, boolean signed, String outcome, String reason, boolean serving,
            List<String> labels, List<String> features, String decodeError) {}

    public record ModelView(String modelId, String kind, long servingVersion, List<ModelVersionView> versions) {}

    public record ModelEventView(String modelId, long version, String kind, String outcome, String reason,
            long servingVersion, long atMillis) {}

    public record ModelsView(List<ModelView> models, List<ModelEventView> rejected, int events) {}

    /** Counts for the header and the live feed. */
    public record Summary(int ports, Map<String, Integer> portStates, int openAlerts, int pendingRequests,
            int models, long records, long undecodable, long droppedKeys, boolean readOnly, List<String> waitingFor) {}
}
