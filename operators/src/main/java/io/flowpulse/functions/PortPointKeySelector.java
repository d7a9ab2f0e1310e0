package io.flowpulse.functions;

import io.flowpulse.records.PortPoint;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of a port series: {@code device|port|direction}, the same string as the resampler's key. */
public class PortPointKeySelector implements KeySelector<PortPoint, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(PortPoint p) {
        return portKey(p.getDevice(), p.getPort(), p.getDirection());
    }

    public static String portKey(CharSequence device, CharSequence port, Object direction) {
        return new StringBuilder(48).append(device).append('|').append(port).append('|').append(direction).toString();
    }
}
