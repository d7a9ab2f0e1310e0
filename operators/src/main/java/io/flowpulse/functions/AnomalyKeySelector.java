package io.flowpulse.functions;

import io.flowpulse.records.AnomalyScore;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of a port series for anomaly scores: {@code device|port|direction}. */
public class AnomalyKeySelector implements KeySelector<AnomalyScore, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(AnomalyScore s) {
        return PortPointKeySelector.portKey(s.getDevice(), s.getPort(), s.getDirection());
    }
}
