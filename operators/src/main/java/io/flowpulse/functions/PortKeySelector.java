package io.flowpulse.functions;

import io.flowpulse.records.Direction;
import io.flowpulse.records.PortSample;
import org.apache.flink.api.java.functions.KeySelector;

/** Key of one port series: {@code device|port|direction}, e.g. {@code edge-router-01|xe-0/0/0|IN}. */
public class PortKeySelector implements KeySelector<PortSample, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(PortSample s) {
        return key(s.getDevice().toString(), s.getPort().toString(), s.getDirection());
    }

    public static String key(String device, String port, Direction direction) {
        return device + '|' + port + '|' + direction.name();
    }

    /** The device, port and direction of a key (the port is between the last two separators). */
    public static String[] parts(String key) {
        int last = key.lastIndexOf('|');
        int middle = key.lastIndexOf('|', last - 1);
        if (middle < 0) {
            throw new IllegalArgumentException("not a port key: " + key);
        }
        return new String[] {key.substring(0, middle), key.substring(middle + 1, last), key.substring(last + 1)};
    }
}
