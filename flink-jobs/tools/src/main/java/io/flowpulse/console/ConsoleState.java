package io.flowpulse.console;

import io.flowpulse.console.ConsoleViews.AlertView;
import io.flowpulse.console.ConsoleViews.AlertsView;
import io.flowpulse.console.ConsoleViews.FeatureValue;
import io.flowpulse.console.ConsoleViews.LabelView;
import io.flowpulse.console.ConsoleViews.ModelEventView;
import io.flowpulse.console.ConsoleViews.ModelVersionView;
import io.flowpulse.console.ConsoleViews.ModelView;
import io.flowpulse.console.ConsoleViews.ModelsView;
import io.flowpulse.console.ConsoleViews.Page;
import io.flowpulse.console.ConsoleViews.PortRow;
import io.flowpulse.console.ConsoleViews.QueueView;
import io.flowpulse.console.ConsoleViews.RequestView;
import io.flowpulse.console.ConsoleViews.SeriesView;
import io.flowpulse.console.ConsoleViews.Summary;
import io.flowpulse.ml.classify.ClassifierModel;
import io.flowpulse.ml.classify.ClassifierModels;
import io.flowpulse.records.Alert;
import io.flowpulse.records.AlertState;
import io.flowpulse.records.Annotation;
import io.flowpulse.records.AnnotationRequest;
import io.flowpulse.records.AnomalyScore;
import io.flowpulse.records.FlowKey;
import io.flowpulse.records.ModelEvent;
import io.flowpulse.records.ModelKind;
import io.flowpulse.records.ModelUpdate;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the console shows, built from the topics and bounded: a ring of recent points per
 * port key (at most {@code maxKeys} keys), the newest version of at most {@code maxAlerts} alert
 * episodes, at most {@code maxRequests} pending annotation requests, the model versions seen.
 * One lock: the topic follower writes, HTTP handlers read; every view is a copy.
 */
public final class ConsoleState {
    public static final String OK = "ok";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";
    public static final String NO_DATA = "no data";
    static final int FEATURES_SHOWN = 8;
    static final int LABELLED_IDS_KEPT = 100_000;
    static final int VERSIONS_PER_MODEL = 50;
    static final int MODEL_EVENTS_KEPT = 500;
    static final int RECENT_LABELS = 20;
    static final int MAX_KNOWN_LABELS = 50;

    private final ConsoleSettings settings;
    private final Map<String, PortSeries> ports = new HashMap<>();
    private final LinkedHashMap<String, AlertView> alerts = new LinkedHashMap<>();
    private final Map<String, String> latestAlertOfKey = new HashMap<>();
    private final LinkedHashMap<String, AnnotationRequest> pending = new LinkedHashMap<>();
    private final Set<String> labelledIds = new LinkedHashSet<>();
    private final Set<String> skippedIds = new LinkedHashSet<>();
    private final ArrayDeque<LabelView> recentLabels = new ArrayDeque<>();
    private final Set<String> knownLabels = new LinkedHashSet<>();
    private final TreeMap<Long, long[]> budgetWindows = new TreeMap<>();
    private final Map<String, String> requestWindowOf = new HashMap<>();
    private final Map<String, List<ModelVersionView>> modelVersions = new TreeMap<>();
    private final Map<String, ClassifierModel> decodedModels = new HashMap<>();
    private final Map<String, Long> servingVersion = new HashMap<>();
    private final ArrayDeque<ModelEventView> modelEvents = new ArrayDeque<>();
    private long newestBucket = Long.MIN_VALUE;
    private List<String> waitingFor = List.of();
    private long records;
    private long undecodable;
    private long droppedKeys;
    private long requestsReceived;
    private long labelled;

    public ConsoleState(ConsoleSettings settings) {
        this.settings = settings;
    }

    public static String portKey(String device, String port, Object direction) {
        return device + "|" + port + "|" + direction;
    }

    // ------------------------------------------------------------------ writes (topic follower)

    public synchronized void onAnomaly(AnomalyScore s) {
        records++;
        String key = portKey(s.getDevice(), s.getPort(), s.getDirection());
        PortSeries series = ports.get(key);
        if (series == null) {
            if (ports.size() >= settings.maxKeys()) {
                droppedKeys++;
                return;
            }
            series = new PortSeries(s.getDevice(), s.getPort(), s.getDirection().toString(), settings.pointsPerKey());
            ports.put(key, series);
        }
        series.add(s);
        newestBucket = Math.max(newestBucket, s.getBucketEndMillis());
    }

    /** Keeps the newest version of the episode; returns its view (for the live feed). */
    public synchronized AlertView onAlert(Alert a) {
        records++;
        String key = portKey(a.getDevice(), a.getPort(), a.getDirection());
        AlertView v = new AlertView(a.getAlertId(), key, a.getSeverity().toString().toLowerCase(Locale.ROOT),
                a.getState().toString().toLowerCase(Locale.ROOT), a.getState() != AlertState.CLEARED,
                a.getFirstBucketMillis(), a.getLastBucketMillis(), a.getCount(), a.getPeakScore(),
                a.getModelId() == null ? "" : a.getModelId(), System.currentTimeMillis());
        alerts.remove(a.getAlertId()); // re-insert: the map's order is the order of the last update
        alerts.put(a.getAlertId(), v);
        latestAlertOfKey.put(key, a.getAlertId());
        while (alerts.size() > settings.maxAlerts()) {
            Iterator<Map.Entry<String, AlertView>> it = alerts.entrySet().iterator();
            AlertView dropped = it.next().getValue();
            it.remove();
            latestAlertOfKey.remove(dropped.key(), dropped.alertId());
        }
        return v;
    }

    public synchronized void onRequest(AnnotationRequest r) {
        records++;
        requestsReceived++;
        long window = windowStart(r.getRequestedMillis());
        budgetWindows.computeIfAbsent(window, w -> new long[2])[0]++;
        while (budgetWindows.size() > 64) {
            budgetWindows.pollFirstEntry();
        }
        requestWindowOf.put(r.getRequestId(), Long.toString(window));
        r.getProbabilities().keySet().forEach(l -> {
            if (knownLabels.size() < MAX_KNOWN_LABELS) {
                knownLabels.add(l.toString());
            }
        });
        if (labelledIds.contains(r.getRequestId().toString())) {
            countLabelInWindow(r.getRequestId().toString());
            return;
        }
        pending.put(r.getRequestId().toString(), r);
        while (pending.size() > settings.maxRequests()) {
            Iterator<String> it = pending.keySet().iterator();
            requestWindowOf.remove(it.next());
            it.remove();
        }
    }

    public synchronized void onLabel(Annotation a) {
        records++;
        if (a.getRequestId() != null && labelledIds.contains(a.getRequestId().toString())) {
            return; // the console's own write, read back from the topic (or a duplicate): counted once
        }
        labelled++;
        if (knownLabels.size() < MAX_KNOWN_LABELS) {
            knownLabels.add(a.getLabel().toString());
        }
        recentLabels.addFirst(new LabelView(a.getRequestId() == null ? "" : a.getRequestId().toString(),
                a.getLabel().toString(), a.getAnnotator().toString(), a.getAnnotatedMillis()));
        while (recentLabels.size() > RECENT_LABELS) {
            recentLabels.removeLast();
        }
        if (a.getRequestId() != null) {
            String id = a.getRequestId().toString();
            labelledIds.add(id);
            if (labelledIds.size() > LABELLED_IDS_KEPT) {
                Iterator<String> it = labelledIds.iterator();
                it.next();
                it.remove();
            }
            pending.remove(id);
            countLabelInWindow(id);
        }
    }

    private void countLabelInWindow(String requestId) {
        String w = requestWindowOf.remove(requestId);
        if (w != null) {
            long[] c = budgetWindows.get(Long.parseLong(w));
            if (c != null) {
                c[1]++;
            }
        }
    }

    /** Hides a pending request from the queue (nothing is written); false when it is not pending. */
    public synchronized boolean skip(String requestId) {
        if (pending.remove(requestId) == null) {
            return false;
        }
        requestWindowOf.remove(requestId);
        skippedIds.add(requestId);
        if (skippedIds.size() > LABELLED_IDS_KEPT) {
            Iterator<String> it = skippedIds.iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    public synchronized AnnotationRequest pendingRequest(String requestId) {
        return pending.get(requestId);
    }

    public synchronized boolean wasLabelled(String requestId) {
        return labelledIds.contains(requestId);
    }

    public synchronized void onModel(ModelUpdate m) {
        records++;
        String id = m.getModelId().toString();
        List<String> labels = List.of();
        List<String> features = List.of();
        String decodeError = null;
        byte[] payload = bytes(m.getPayload());
        if (m.getKind() == ModelKind.FLOW_CLASSIFIER) {
            try {
                ClassifierModel model = ClassifierModels.decode(m.getFormat().toString(), payload);
                labels = List.copyOf(model.labels());
                features = List.copyOf(model.featureSchema().names());
                decodedModels.put(id + "#" + m.getVersion(), model);
                knownLabels.addAll(labels);
            } catch (Exception e) {
                decodeError = e.getMessage();
            }
        }
        Map<String, Double> metrics = new TreeMap<>();
        m.getMetrics().forEach((k, v) -> metrics.put(k.toString(), v));
        ModelVersionView v = new ModelVersionView(id, m.getKind().toString(), m.getVersion(), m.getCreatedMillis(),
                m.getFormat().toString(), metrics, payload.length, m.getSignature() != null, "seen", "", false,
                labels, features, decodeError);
        List<ModelVersionView> versions = modelVersions.computeIfAbsent(id, k -> new ArrayList<>());
        versions.removeIf(x -> x.version() == m.getVersion());
        versions.add(v);
        versions.sort(Comparator.comparingLong(ModelVersionView::version).reversed());
        while (versions.size() > VERSIONS_PER_MODEL) {
            ModelVersionView dropped = versions.remove(versions.size() - 1);
            decodedModels.remove(id + "#" + dropped.version());
        }
    }

    public synchronized void onModelEvent(ModelEvent e) {
        records++;
        ModelEventView v = new ModelEventView(e.getModelId().toString(), e.getVersion(), e.getKind().toString(),
                e.getOutcome().toString(), e.getReason().toString(), e.getServingVersion(), e.getAtMillis());
        modelEvents.addFirst(v);
        while (modelEvents.size() > MODEL_EVENTS_KEPT) {
            modelEvents.removeLast();
        }
        servingVersion.put(v.modelId(), e.getServingVersion());
    }

    /** Topics the reader could not find yet (missing, or the broker is unreachable). */
    public synchronized void waitingFor(List<String> topics) {
        waitingFor = List.copyOf(topics);
    }

    public synchronized void onUndecodable() {
        undecodable++;
    }

    // ------------------------------------------------------------------ reads (HTTP handlers)

    private String stateOf(String key, PortSeries s) {
        if (s == null || s.size() == 0 || s.lastBucket() < newestBucket - settings.staleAfter().toMillis()) {
            return NO_DATA;
        }
        String alertId = latestAlertOfKey.get(key);
        AlertView a = alertId == null ? null : alerts.get(alertId);
        if (a != null && a.open()) {
            return a.severity().equals("critical") ? CRITICAL : WARNING;
        }
        return s.lastAnomalous() ? WARNING : OK;
    }

    private static int stateRank(String state) {
        switch (state) {
            case CRITICAL: return 0;
            case WARNING: return 1;
            case OK: return 2;
            default: return 3;
        }
    }

    /**
     * The Ports list: {@code filter} matches a substring of the key, {@code state} one state (or
     * null for all); sort by state (worst first), key, last or score.
     */
    public synchronized Page<PortRow> ports(String filter, String state, String sort, boolean descending, int page, int size) {
        String f = filter == null ? "" : filter.toLowerCase(Locale.ROOT);
        List<PortRow> rows = new ArrayList<>();
        for (Map.Entry<String, PortSeries> e : ports.entrySet()) {
            if (!f.isEmpty() && !e.getKey().toLowerCase(Locale.ROOT).contains(f)) {
                continue;
            }
            PortSeries s = e.getValue();
            String st = stateOf(e.getKey(), s);
            if (state != null && !state.isEmpty() && !state.equals(st)) {
                continue;
            }
            rows.add(new PortRow(e.getKey(), s.device, s.port, s.direction, st, s.lastBucket(), s.lastValue(),
                    s.lastScore(), s.size(), s.anomalousHeld(), s.modelId, latestAlertOfKey.get(e.getKey())));
        }
        Comparator<PortRow> byKey = Comparator.comparing(PortRow::key);
        Comparator<PortRow> c;
        switch (sort == null ? "state" : sort) {
            case "key": c = byKey; break;
            case "last": c = Comparator.comparingLong(PortRow::lastBucketMillis).thenComparing(byKey); break;
            case "score": c = Comparator.comparingDouble((PortRow r) -> Double.isNaN(r.lastScore()) ? -1 : r.lastScore()).thenComparing(byKey); break;
            case "anomalous": c = Comparator.comparingInt(PortRow::anomalousPoints).thenComparing(byKey); break;
            default: c = Comparator.comparingInt((PortRow r) -> stateRank(r.state())).thenComparing(byKey); break;
        }
        rows.sort(descending ? c.reversed() : c);
        return page(rows, page, size);
    }

    /** One port's held points in [from, to] with its alert episodes; null for an unknown key. */
    public synchronized SeriesView series(String key, long from, long to) {
        PortSeries s = ports.get(key);
        if (s == null) {
            return null;
        }
        List<AlertView> episodes = new ArrayList<>();
        for (AlertView a : alerts.values()) {
            if (a.key().equals(key) && a.lastBucketMillis() >= from && a.firstBucketMillis() <= to) {
                episodes.add(a);
            }
        }
        episodes.sort(Comparator.comparingLong(AlertView::firstBucketMillis));
        return new SeriesView(key, stateOf(key, s), s.modelId, s.columns(from, to), episodes);
    }

    public synchronized AlertsView alerts(Boolean open, int page, int size) {
        List<AlertView> all = new ArrayList<>(alerts.values());
        int openCount = 0;
        int critical = 0;
        int warning = 0;
        for (AlertView a : all) {
            if (a.open()) {
                openCount++;
                if (a.severity().equals("critical")) {
                    critical++;
                } else {
                    warning++;
                }
            }
        }
        List<AlertView> rows = new ArrayList<>();
        for (AlertView a : all) {
            if (open == null || a.open() == open) {
                rows.add(a);
            }
        }
        // open first, then newest last bucket first
        rows.sort(Comparator.comparing((AlertView a) -> !a.open())
                .thenComparing(Comparator.comparingLong(AlertView::lastBucketMillis).reversed())
                .thenComparing(AlertView::alertId));
        return new AlertsView(page(rows, page, size), openCount, critical, warning, all.size());
    }

    public synchronized QueueView queue(int page, int size) {
        List<AnnotationRequest> rows = new ArrayList<>(pending.values());
        rows.sort(Comparator.comparingDouble(AnnotationRequest::getScore).reversed()
                .thenComparing(r -> r.getRequestId().toString()));
        Page<AnnotationRequest> p = page(rows, page, size);
        List<RequestView> items = new ArrayList<>();
        for (AnnotationRequest r : p.items()) {
            items.add(view(r));
        }
        Map.Entry<Long, long[]> latest = budgetWindows.lastEntry();
        return new QueueView(new Page<>(items, p.total(), p.page(), p.size()), requestsReceived, labelled,
                skippedIds.size(), pending.size(), settings.budget(), settings.budgetWindow().toMillis(),
                latest == null ? 0 : latest.getKey(), latest == null ? 0 : latest.getValue()[0],
                latest == null ? 0 : latest.getValue()[1], List.copyOf(knownLabels), settings.readOnly(),
                List.copyOf(recentLabels));
    }

    private RequestView view(AnnotationRequest r) {
        FlowKey k = r.getKey();
        String src = ip(k.getSrcIp());
        String dst = ip(k.getDstIp());
        ClassifierModel model = r.getModelId() == null ? null : decodedModels.get(r.getModelId() + "#" + r.getModelVersion());
        Set<String> used = model == null ? Set.of() : new LinkedHashSet<>(model.featureSchema().names());
        List<FeatureValue> features = new ArrayList<>();
        for (String name : used) {
            Double v = r.getFeatures().get(name);
            if (v != null) {
                features.add(new FeatureValue(name, v, true));
            }
        }
        // then the flow's basic size and timing, for the analyst's eye
        for (String name : List.of("bidirectional_packets", "bidirectional_bytes", "bidirectional_duration_ms",
                "src2dst_bytes", "dst2src_bytes", "bidirectional_mean_ps", "bidirectional_mean_piat_ms", "src2dst_packets")) {
            if (features.size() >= FEATURES_SHOWN) {
                break;
            }
            Double v = r.getFeatures().get(name);
            if (v != null && !used.contains(name)) {
                features.add(new FeatureValue(name, v, false));
            }
        }
        for (Map.Entry<String, Double> e : new TreeMap<>(r.getFeatures()).entrySet()) {
            if (features.size() >= FEATURES_SHOWN) {
                break;
            }
            if (features.stream().noneMatch(x -> x.name().equals(e.getKey()))) {
                features.add(new FeatureValue(e.getKey(), e.getValue(), false));
            }
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        r.getProbabilities().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> probabilities.put(e.getKey().toString(), e.getValue()));
        String flow = endpoint(src, k.getSrcPort()) + " \u2192 " + endpoint(dst, k.getDstPort()) + " " + protocol(k.getProtocol());
        return new RequestView(r.getRequestId().toString(), flow, src, k.getSrcPort(), dst, k.getDstPort(),
                k.getProtocol(), r.getFlowStartMicros(), r.getPredictedLabel() == null ? null : r.getPredictedLabel().toString(),
                probabilities, r.getScore(), r.getStrategy().toString(), r.getModelId() == null ? null : r.getModelId().toString(),
                r.getModelVersion(), r.getRequestedMillis(), features);
    }

    public synchronized ModelsView models() {
        List<ModelView> out = new ArrayList<>();
        Map<String, ModelEventView> lastEventOfVersion = new HashMap<>();
        for (Iterator<ModelEventView> it = modelEvents.descendingIterator(); it.hasNext();) {
            ModelEventView e = it.next(); // oldest first, so the newest event of a version wins
            lastEventOfVersion.put(e.modelId() + "#" + e.version(), e);
        }
        for (Map.Entry<String, List<ModelVersionView>> e : modelVersions.entrySet()) {
            long serving = servingVersion.getOrDefault(e.getKey(), 0L);
            List<ModelVersionView> versions = new ArrayList<>();
            for (ModelVersionView v : e.getValue()) {
                ModelEventView ev = lastEventOfVersion.get(v.modelId() + "#" + v.version());
                versions.add(new ModelVersionView(v.modelId(), v.kind(), v.version(), v.createdMillis(), v.format(),
                        v.metrics(), v.payloadBytes(), v.signed(), ev == null ? "pending" : ev.outcome().toLowerCase(Locale.ROOT),
                        ev == null ? "" : ev.reason(), serving == v.version(), v.labels(), v.features(), v.decodeError()));
            }
            out.add(new ModelView(e.getKey(), e.getValue().get(0).kind(), serving, versions));
        }
        List<ModelEventView> rejected = new ArrayList<>();
        for (ModelEventView e : modelEvents) {
            if (e.outcome().equals("REJECTED")) {
                rejected.add(e);
            }
        }
        return new ModelsView(out, rejected, modelEvents.size());
    }

    public synchronized Summary summary() {
        Map<String, Integer> states = new LinkedHashMap<>();
        for (String s : List.of(CRITICAL, WARNING, OK, NO_DATA)) {
            states.put(s, 0);
        }
        for (Map.Entry<String, PortSeries> e : ports.entrySet()) {
            states.merge(stateOf(e.getKey(), e.getValue()), 1, Integer::sum);
        }
        int open = 0;
        for (AlertView a : alerts.values()) {
            if (a.open()) {
                open++;
            }
        }
        return new Summary(ports.size(), states, open, pending.size(), modelVersions.size(), records, undecodable,
                droppedKeys, settings.readOnly(), waitingFor);
    }

    // ------------------------------------------------------------------ helpers

    private long windowStart(long millis) {
        long w = Math.max(1, settings.budgetWindow().toMillis());
        return Math.floorDiv(millis, w) * w;
    }

    static <T> Page<T> page(List<T> rows, int page, int size) {
        int s = Math.max(1, Math.min(size, 500));
        int p = Math.max(0, page);
        int from = Math.min(rows.size(), p * s);
        int to = Math.min(rows.size(), from + s);
        return new Page<>(new ArrayList<>(rows.subList(from, to)), rows.size(), p, s);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static String ip(ByteBuffer b) {
        try {
            return InetAddress.getByAddress(bytes(b)).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }

    private static String endpoint(String ip, int port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + (port > 0 ? ":" + port : "");
    }

    private static String protocol(int p) {
        switch (p) {
            case 6: return "TCP";
            case 17: return "UDP";
            case 1: return "ICMP";
            case 58: return "ICMPv6";
            default: return "proto " + p;
        }
    }
}
